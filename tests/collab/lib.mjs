// Real Yjs clients for the interop test and the benchmark: y-websocket providers (the 1.5.x line
// and the 3.x line that browsers get today) around a Y.Doc whose Y.Text "codemirror" holds the
// code, exactly as the web client would open them. Nothing here speaks the protocol itself except
// `RawSocket`, which sends hand-made y-protocols messages to see what a server answers.

import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { WebsocketProvider as Provider1 } from 'y-websocket'
import { WebsocketProvider as Provider3 } from 'y-websocket-3'

export { Y, awarenessProtocol }

export const PROVIDERS = { 1: Provider1, 3: Provider3 }
export const TEXT = 'codemirror'
const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_QUERY_AWARENESS = 3

/** Milliseconds since the epoch, sub-millisecond, comparable between processes here. */
export const now = () => performance.timeOrigin + performance.now()
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves with the milliseconds it took once `predicate()` holds, or null after `timeoutMs`. */
export async function waitFor (predicate, timeoutMs, everyMs = 10) {
  const started = now()
  for (;;) {
    if (predicate()) return now() - started
    if (now() - started > timeoutMs) return null
    await sleep(everyMs)
  }
}

/** A small seeded PRNG (mulberry32), so that a failing run can be replayed with its seed. */
export function random (seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  next.int = (n) => Math.floor(next() * n)
  next.pick = (items) => items[next.int(items.length)]
  return next
}

export function stateVector (ydoc) {
  const out = {}
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(ydoc))) out[client] = clock
  return out
}

/** Reads the whole of stdin as one JSON document (the config). */
export async function readConfig () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** Line-delimited JSON on stdin: the first line is the config, later lines are events. */
export function stdinLines () {
  const lines = createInterface({ input: process.stdin })
  const queue = []
  const waiters = []
  let closed = false
  lines.on('line', (line) => {
    if (!line.trim()) return
    const value = JSON.parse(line)
    const waiter = waiters.shift()
    if (waiter) waiter(value)
    else queue.push(value)
  })
  lines.on('close', () => {
    closed = true
    for (const waiter of waiters.splice(0)) waiter(null)
  })
  return {
    next: () =>
      queue.length ? Promise.resolve(queue.shift()) : closed ? Promise.resolve(null)
        : new Promise((resolve) => waiters.push(resolve))
  }
}

export function emit (value) {
  process.stdout.write(JSON.stringify(value) + '\n')
}

export function log (...parts) {
  process.stderr.write(`[collab ${new Date().toISOString()}] ${parts.join(' ')}\n`)
}

/**
 * The WebSocket class handed to y-websocket. Browsers offer permessage-deflate, and so does the
 * `ws` client by default ("offer"); but `ws` runs every (de)compression of the whole process
 * through one queue of 10 at a time, which many clients in one process turn into a bottleneck
 * a browser tab never has: "wide" offers it with that queue made wide, "off" does not offer it.
 */
export function socketClass (deflate = 'offer') {
  if (deflate === 'offer') return WebSocket
  const options = deflate === 'off' ? { perMessageDeflate: false } : { perMessageDeflate: { concurrencyLimit: 100000 } }
  return class extends WebSocket {
    constructor (url, protocols) {
      super(url, protocols, options)
    }
  }
}

/**
 * One editor: a Y.Doc, its awareness and a y-websocket provider of the chosen line, on one of
 * `urls`. `reconnect` decides what happens when the connection closes: "provider" leaves it to
 * y-websocket (which retries the same URL), "rotate" makes a new provider on the next URL with
 * the same Y.Doc and awareness (a browser behind a balancer that moved it to another node), and
 * "vanish" drops the editor for good (a tab that died with its node).
 */
export class Editor {
  constructor ({ name, urls, url, docName, token, version = 1, reconnect = 'provider', params, deflate = 'offer' }) {
    this.name = name
    this.urls = urls || [url]
    this.urlIndex = 0
    this.docName = docName
    this.token = token
    this.version = version
    this.reconnect = reconnect
    this.params = params || (token === undefined || token === null ? {} : { token })
    this.WebSocket = socketClass(deflate)
    this.ydoc = new Y.Doc()
    this.text = this.ydoc.getText(TEXT)
    this.awareness = new awarenessProtocol.Awareness(this.ydoc)
    this.events = []
    this.provider = null
    this.stopped = false
    this.vanished = false
    this.syncedOnce = false
    this.syncs = 0
  }

  get url () { return this.urls[this.urlIndex % this.urls.length] }
  get synced () { return Boolean(this.provider && this.provider.synced) }
  get clientID () { return this.ydoc.clientID }

  note (type, detail = {}) {
    this.events.push({ at: now(), type, url: this.url, ...detail })
  }

  start (urlIndex = this.urlIndex) {
    this.urlIndex = urlIndex
    const Provider = PROVIDERS[this.version]
    const provider = new Provider(this.url, this.docName, this.ydoc, {
      awareness: this.awareness,
      params: this.params,
      WebSocketPolyfill: this.WebSocket,
      disableBc: true, // several editors share this process: keep them on the server's path
      maxBackoffTime: 1000
    })
    this.provider = provider
    provider.on('status', ({ status }) => this.note(status))
    provider.on('sync', (synced) => {
      if (provider !== this.provider) return
      if (synced) {
        this.syncedOnce = true
        this.syncs += 1
      }
      this.note(synced ? 'synced' : 'unsynced')
    })
    provider.on('connection-error', (event) => this.note('error', { message: String(event?.message ?? event?.error ?? '') }))
    provider.on('closed', (event) => this.note('closed-for-good', { code: event.code, reason: event.reason }))
    provider.on('connection-close', (event) => {
      this.note('close', { code: event?.code ?? null, reason: String(event?.reason ?? '') })
      if (provider !== this.provider || this.stopped || this.reconnect === 'provider') return
      // Let y-websocket finish its own close handling before the provider is destroyed (the
      // 3.x line emits connection-close again from destroy() while the socket is current).
      this.provider = null
      setTimeout(() => provider.destroy(), 0)
      if (this.reconnect === 'vanish') {
        this.vanished = true
        this.stopped = true
        this.awareness.destroy()
      } else {
        // "rotate": a new provider (same Y.Doc, same awareness) on the next node
        setTimeout(() => { if (!this.stopped) this.start(this.urlIndex + 1) }, 50)
      }
    })
    return this
  }

  /** Closes the connection the polite way: y-websocket first sends "my awareness is gone". */
  stop () {
    this.stopped = true
    if (this.provider) {
      const provider = this.provider
      this.provider = null
      provider.destroy()
    }
    this.awareness.destroy()
  }

  /** Drops the TCP connection without a word, like a tab that crashed. */
  crash () {
    this.stopped = true
    const provider = this.provider
    if (!provider) return
    provider.shouldConnect = false
    if (provider.ws) provider.ws.terminate()
    this.awareness.destroy()
    setTimeout(() => provider.destroy(), 100)
  }

  /** Forces y-websocket to reconnect to the same URL (it resyncs with step 1 / step 2). */
  bounce () {
    if (this.provider && this.provider.ws) this.provider.ws.close()
  }

  report () {
    return {
      name: this.name,
      version: this.version,
      clientID: this.clientID,
      text: this.text.toString(),
      stateVector: stateVector(this.ydoc),
      synced: this.synced,
      syncedOnce: this.syncedOnce,
      events: this.events
    }
  }
}

/** Opens an editor on `url`, waits for it to sync and returns what it holds, then leaves. */
export async function readThrough ({ url, docName, token, version = 3, timeoutMs = 10000 }) {
  const reader = new Editor({ name: 'fresh', url, docName, token, version }).start()
  const waited = await waitFor(() => reader.synced, timeoutMs)
  const report = reader.report()
  report.syncMs = waited
  reader.stop()
  return report
}

/** The client ids an awareness update carries (null states, i.e. removals, included). */
export function awarenessClients (update) {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const clients = []
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder)
    decoding.readVarUint(decoder) // clock
    const state = JSON.parse(decoding.readVarString(decoder))
    clients.push({ client, removed: state === null })
  }
  return clients
}

/**
 * A bare WebSocket that speaks y-protocols by hand: what a server sends to a client it should
 * not have let in, and whether it answers a query for awareness.
 */
export class RawSocket {
  constructor (url) {
    this.url = url
    this.ydoc = new Y.Doc()
    this.awareness = new awarenessProtocol.Awareness(this.ydoc)
    this.awareness.setLocalState(null)
    this.received = []
    this.httpStatus = null
    this.error = null
    this.close = null
    this.opened = false
    this.ws = new WebSocket(url)
    this.ws.binaryType = 'arraybuffer'
    this.done = new Promise((resolve) => {
      this.ws.on('unexpected-response', (_request, response) => {
        this.httpStatus = response.statusCode
        response.resume()
        resolve()
      })
      this.ws.on('error', (error) => { this.error = String(error.message); resolve() })
      this.ws.on('close', (code, reason) => {
        this.close = { code, reason: reason.toString() }
        resolve()
      })
    })
    this.ws.on('open', () => { this.opened = true; this.note('open') })
    this.ws.on('message', (data) => this.onMessage(new Uint8Array(data)))
  }

  note (type, detail = {}) {
    this.received.push({ at: now(), type, ...detail })
  }

  onMessage (bytes) {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder()
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.ydoc, 'server')
      this.note('sync', { kind: ['step1', 'step2', 'update'][kind] ?? kind, bytes: bytes.length })
    } else if (type === MESSAGE_AWARENESS) {
      const update = decoding.readVarUint8Array(decoder)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, 'server')
      this.note('awareness', { bytes: bytes.length, clients: awarenessClients(update) })
    } else {
      this.note('other', { messageType: type, bytes: bytes.length })
    }
  }

  send (bytes) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes)
  }

  sendStep1 (doc = this.ydoc) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeSyncStep1(encoder, doc)
    this.send(encoding.toUint8Array(encoder))
  }

  sendUpdate (update) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeUpdate(encoder, update)
    this.send(encoding.toUint8Array(encoder))
  }

  sendQueryAwareness () {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_QUERY_AWARENESS)
    this.send(encoding.toUint8Array(encoder))
  }

  sendAwareness (ydoc, state) {
    const awareness = new awarenessProtocol.Awareness(ydoc)
    awareness.setLocalState(state)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [ydoc.clientID]))
    awareness.destroy()
    this.send(encoding.toUint8Array(encoder))
  }

  shut () {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate()
    }
    this.awareness.destroy()
  }

  report () {
    return {
      httpStatus: this.httpStatus,
      error: this.error,
      opened: this.opened,
      close: this.close,
      received: this.received,
      text: this.ydoc.getText(TEXT).toString(),
      awarenessClients: [...this.awareness.getStates().keys()]
    }
  }
}
