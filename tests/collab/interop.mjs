#!/usr/bin/env node
// Scenarios of real Yjs editors against a y-websocket server, for tests/test_yjs_interop.py.
//
//   node interop.mjs < config.json
//
// stdin: line-delimited JSON; the first line is the config {"scenario": ..., "urls": [...],
// "docName": ..., "tokens": [...], ...}; the failover scenario reads later lines as events
// ({"event": "killed", "at": <epoch ms>}). stdout: line-delimited JSON; progress events
// ({"event": ...}) and, last, {"result": {...}}. Only observations are printed: what each editor
// holds and saw, and when; the test decides what is right. Diagnostics go to stderr.

import {
  Editor, RawSocket, Y, emit, log, now, random, readThrough, sleep, stateVector, stdinLines,
  waitFor
} from './lib.mjs'

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6']
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789 \n(){}=+-*/'

function editorsFor (cfg, extra = {}) {
  const versions = cfg.versions || [1, 3]
  return cfg.tokens.map((token, i) => new Editor({
    name: `${cfg.namePrefix || 'c'}${i}`,
    url: cfg.urls[i % cfg.urls.length],
    docName: cfg.docName,
    token,
    version: versions[i % versions.length],
    ...extra
  }))
}

function sameEverywhere (editors) {
  const first = editors[0]
  const text = first.text.toString()
  const sv = JSON.stringify(stateVector(first.ydoc))
  return editors.every((e) => e.text.toString() === text && JSON.stringify(stateVector(e.ydoc)) === sv)
}

async function syncAll (editors, timeoutMs = 15000) {
  return waitFor(() => editors.every((e) => e.synced), timeoutMs)
}

// ---------------------------------------------------------------------------------------------
// converge: N editors insert and delete at random positions at once (one of them goes offline
// for a third of its edits and comes back), then everyone must hold the same document.

async function randomEdits (editor, rnd, ops, goesOffline) {
  let done = 0
  for (let k = 0; k < ops; k++) {
    if (goesOffline && k === Math.floor(ops / 3)) {
      editor.provider.disconnect()
      editor.note('went-offline')
    }
    if (goesOffline && k === Math.floor((2 * ops) / 3)) {
      editor.provider.connect()
      editor.note('came-back')
    }
    const edit = () => {
      const length = editor.text.length
      if (length > 0 && rnd() < 0.35) {
        const at = rnd.int(length)
        editor.text.delete(at, Math.min(1 + rnd.int(3), length - at))
      } else {
        let piece = ''
        for (let c = 1 + rnd.int(5); c > 0; c--) piece += rnd.pick(LETTERS)
        editor.text.insert(rnd.int(length + 1), piece)
      }
    }
    if (rnd() < 0.15) {
      editor.ydoc.transact(() => { edit(); edit(); edit() }) // one update, several changes
    } else {
      edit()
    }
    done += 1
    await sleep(rnd.int(10))
  }
  return done
}

async function converge (cfg) {
  const seed = cfg.seed ?? Math.floor(Math.random() * 2 ** 31)
  const ops = cfg.ops ?? 150
  const editors = editorsFor(cfg).map((e) => e.start())
  const joinMs = await syncAll(editors)
  if (joinMs === null) return { error: 'not every editor synced', seed, editors: editors.map((e) => e.report()) }
  const began = now()
  const edits = await Promise.all(editors.map((e, i) => randomEdits(e, random(seed + i), ops, i === 0 && cfg.offline !== false)))
  const typedMs = now() - began
  const convergedMs = await waitFor(() => editors.every((e) => e.synced) && sameEverywhere(editors), 20000)
  const fresh = await readThrough({ url: cfg.freshUrl || cfg.urls[0], docName: cfg.docName, token: cfg.freshToken ?? cfg.tokens[0] })
  const result = { seed, joinMs, typedMs, convergedMs, edits, editors: editors.map((e) => e.report()), fresh }
  editors.forEach((e) => e.stop())
  return result
}

// ---------------------------------------------------------------------------------------------
// awareness: everyone's {user, cursor} reaches everyone; a cursor move too; a raw client asks for
// awareness (message 3); one editor leaves politely, one's connection just drops.

function cursorAt (editor, anchor, head) {
  return {
    anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(editor.text, anchor)),
    head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(editor.text, head))
  }
}

function stateOf (editor, i) {
  return { user: { name: editor.name, color: COLORS[i % COLORS.length] }, cursor: cursorAt(editor, 0, 0) }
}

function resolved (editor, cursor) {
  if (!cursor) return null
  const at = (json) => {
    const abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), editor.ydoc)
    return abs ? abs.index : null
  }
  return { anchor: at(cursor.anchor), head: at(cursor.head) }
}

function seen (editor, others) {
  const states = editor.awareness.getStates()
  const out = {}
  for (const other of others) {
    if (other === editor) continue
    const state = states.get(other.clientID)
    out[other.name] = state ? { name: state.user?.name ?? null, color: state.user?.color ?? null } : null
  }
  return out
}

async function awareness (cfg) {
  const editors = editorsFor(cfg)
  if (editors.length < 4) throw new Error('awareness needs at least 4 editors')
  // half announce themselves before connecting (sent on open), half once synced
  editors.forEach((e, i) => { if (i % 2 === 0) e.awareness.setLocalState(stateOf(e, i)); e.start() })
  const joinMs = await syncAll(editors)
  if (joinMs === null) return { error: 'not every editor synced', editors: editors.map((e) => e.report()) }
  editors.forEach((e, i) => { if (i % 2 === 1) e.awareness.setLocalState(stateOf(e, i)) })
  const sees = (e, o) => e.awareness.getStates().get(o.clientID)?.user?.name === o.name
  const everyoneMs = await waitFor(() => editors.every((e) => editors.every((o) => o === e || sees(e, o))), 10000)
  const seenAtFirst = Object.fromEntries(editors.map((e) => [e.name, seen(e, editors)]))

  // a cursor over text typed by the same editor, then resolved by everyone else
  const mover = editors[1]
  mover.text.insert(0, 'def solve():\n    return 42\n')
  const cursor = cursorAt(mover, 4, 9)
  mover.awareness.setLocalStateField('cursor', cursor)
  const wanted = JSON.stringify(cursor)
  const others = editors.filter((e) => e !== mover)
  const cursorMs = await waitFor(() => others.every((e) =>
    JSON.stringify(e.awareness.getStates().get(mover.clientID)?.cursor) === wanted &&
    e.text.toString().startsWith('def solve')), 10000)
  const cursorResolved = Object.fromEntries(others.map((e) => [e.name, resolved(e, e.awareness.getStates().get(mover.clientID)?.cursor)]))

  // query-awareness: a bare client asks, the server should answer with everyone's state
  let query = null
  if (cfg.probeToken !== undefined) {
    const raw = new RawSocket(`${cfg.urls[0]}/${cfg.docName}?token=${encodeURIComponent(cfg.probeToken)}`)
    await waitFor(() => raw.opened || raw.close || raw.httpStatus, 5000)
    raw.sendStep1()
    await sleep(500)
    const askedAt = now()
    raw.sendQueryAwareness()
    await sleep(1000)
    const answers = raw.received.filter((m) => m.type === 'awareness' && m.at > askedAt)
    query = {
      answers: answers.length,
      clients: [...new Set(answers.flatMap((m) => m.clients.filter((c) => !c.removed).map((c) => c.client)))],
      expected: editors.map((e) => e.clientID),
      raw: raw.report()
    }
    raw.shut()
  }

  const gone = (leaver, rest) => () => rest.every((e) => !e.awareness.getStates().has(leaver.clientID))
  const polite = editors[0]
  polite.stop()
  let rest = editors.slice(1)
  const politeGoneMs = await waitFor(gone(polite, rest), cfg.goneTimeoutMs ?? 10000)
  const crasher = editors[2]
  crasher.crash()
  rest = rest.filter((e) => e !== crasher)
  const crashGoneMs = await waitFor(gone(crasher, rest), cfg.goneTimeoutMs ?? 10000)
  await sleep(300)
  const seenAtEnd = Object.fromEntries(rest.map((e) => [e.name, seen(e, rest)]))
  const result = {
    joinMs,
    everyoneMs,
    seenAtFirst,
    cursor: { by: mover.name, wanted: cursor, ms: cursorMs, resolved: cursorResolved },
    query,
    politeGoneMs,
    crashGoneMs,
    seenAtEnd,
    clientIDs: Object.fromEntries(editors.map((e) => [e.name, e.clientID])),
    editors: editors.map((e) => e.report())
  }
  rest.forEach((e) => e.stop())
  return result
}

// ---------------------------------------------------------------------------------------------
// readonly: a read-only editor receives the code but what it types reaches no one, neither as an
// update nor in sync step 2 after it reconnects.

async function readonly (cfg) {
  const mk = (name, token) => new Editor({ name, url: cfg.urls[0], docName: cfg.docName, token, version: cfg.version ?? 3 }).start()
  const writer = mk('writer', cfg.writerToken)
  const reader = mk('reader', cfg.readerToken)
  const witness = mk('witness', cfg.witnessToken)
  const all = [writer, reader, witness]
  const joinMs = await syncAll(all, 10000)
  writer.text.insert(0, 'W1;')
  const firstMs = await waitFor(() => reader.text.toString().includes('W1;') && witness.text.toString().includes('W1;'), 10000)
  reader.text.insert(0, 'R1;')
  await sleep(1500)
  const afterUpdate = { writer: writer.text.toString(), witness: witness.text.toString() }
  // a reconnect: the reader answers the server's step 1 with a step 2 that holds R1
  const syncsBefore = reader.syncs
  reader.bounce()
  const resyncMs = await waitFor(() => reader.syncs > syncsBefore && reader.synced, 10000)
  await sleep(1500)
  writer.text.insert(writer.text.length, 'W2;')
  const secondMs = await waitFor(() => reader.text.toString().includes('W2;') && witness.text.toString().includes('W2;'), 10000)
  await sleep(500)
  const fresh = await readThrough({ url: cfg.urls[0], docName: cfg.docName, token: cfg.witnessToken })
  const result = {
    joinMs, firstMs, resyncMs, secondMs, afterUpdate, editors: all.map((e) => e.report()), fresh
  }
  all.forEach((e) => e.stop())
  return result
}

// ---------------------------------------------------------------------------------------------
// lock: the interviewer locks the editor (through the API, on another node) while the candidate
// is connected; what the candidate types then reaches no one; after the unlock it does again.

async function lock (cfg, events) {
  const candidate = new Editor({ name: 'candidate', url: cfg.candidateUrl, docName: cfg.docName, token: cfg.candidateToken, version: cfg.version ?? 3 }).start()
  const interviewer = new Editor({ name: 'interviewer', url: cfg.interviewerUrl, docName: cfg.docName, token: cfg.interviewerToken, version: 1 }).start()
  const joinMs = await syncAll([candidate, interviewer], 10000)
  const has = (editor, piece) => editor.text.toString().includes(piece)
  candidate.text.insert(0, 'C0;')
  const beforeMs = await waitFor(() => has(interviewer, 'C0;'), 10000)
  emit({ event: 'ready' })
  const locked = await events.next()
  if (!locked || locked.event !== 'locked') throw new Error(`expected the lock, got ${JSON.stringify(locked)}`)
  await sleep(cfg.settleMs ?? 1000)
  candidate.text.insert(candidate.text.length, 'L1;')
  await sleep(1500)
  const whileLocked = interviewer.text.toString()
  emit({ event: 'typed' })
  const unlocked = await events.next()
  if (!unlocked || unlocked.event !== 'unlocked') throw new Error(`expected the unlock, got ${JSON.stringify(unlocked)}`)
  await sleep(cfg.settleMs ?? 1000)
  interviewer.text.insert(0, 'I1;')
  const interviewerMs = await waitFor(() => has(candidate, 'I1;'), 10000)
  // at the very start: next to nothing the server lacks (L1 is at the end, and never arrived)
  candidate.text.insert(0, 'C2;')
  const afterMs = await waitFor(() => has(interviewer, 'C2;'), 5000)
  // a reload: a new Y.Doc
  const reloaded = new Editor({ name: 'reloaded', url: cfg.candidateUrl, docName: cfg.docName, token: cfg.candidateToken, version: cfg.version ?? 3 }).start()
  await syncAll([reloaded], 10000)
  reloaded.text.insert(0, 'C3;')
  const reloadMs = await waitFor(() => has(interviewer, 'C3;'), 5000)
  await sleep(300)
  const fresh = await readThrough({ url: cfg.interviewerUrl, docName: cfg.docName, token: cfg.interviewerToken })
  const all = [candidate, interviewer, reloaded]
  const result = { joinMs, beforeMs, whileLocked, interviewerMs, afterMs, reloadMs, editors: all.map((e) => e.report()), fresh }
  all.forEach((e) => e.stop())
  return result
}

// ---------------------------------------------------------------------------------------------
// refused: bad tokens get neither the document nor a say in it.

async function refusedCase (cfg, bad) {
  const docName = bad.docName || cfg.docName
  const url = `${cfg.urls[0]}/${docName}` + (bad.token === null ? '' : `?token=${encodeURIComponent(bad.token)}`)
  const raw = new RawSocket(url)
  await waitFor(() => raw.opened || raw.close || raw.httpStatus || raw.error, 5000)
  // try to read (step 1), to write (an update of our own) and to be seen (awareness)
  const intruder = new Y.Doc()
  intruder.getText('codemirror').insert(0, `RAW-${bad.label};`)
  raw.sendStep1()
  raw.sendUpdate(Y.encodeStateAsUpdate(intruder))
  raw.sendAwareness(intruder, { user: { name: `raw-${bad.label}`, color: '#000' } })
  await Promise.race([raw.done, sleep(1500)])
  raw.shut()
  // the same with a real provider (the 3.x line stops retrying on a 44xx close)
  const params = bad.token === null ? {} : { token: bad.token }
  const editor = new Editor({ name: `bad-${bad.label}`, url: cfg.urls[0], docName, params, version: 3 })
  editor.text.insert(0, `PROVIDER-${bad.label};`)
  editor.awareness.setLocalState({ user: { name: `bad-${bad.label}`, color: '#000' } })
  editor.start()
  await sleep(1500)
  const report = editor.report()
  editor.stop()
  return { ...bad, raw: raw.report(), provider: report }
}

async function refused (cfg) {
  const witness = new Editor({ name: 'witness', url: cfg.urls[0], docName: cfg.docName, token: cfg.witnessToken, version: 3 })
  const witnessSaw = new Set()
  witness.awareness.on('change', () => {
    for (const state of witness.awareness.getStates().values()) {
      if (state?.user?.name) witnessSaw.add(state.user.name)
    }
  })
  witness.awareness.setLocalState({ user: { name: 'witness', color: '#fff' } })
  witness.start()
  const witnessJoinMs = await syncAll([witness], 10000)
  witness.text.insert(0, cfg.secret)
  await sleep(300)
  const cases = await Promise.all(cfg.bad.map((bad) => refusedCase(cfg, bad)))
  await sleep(500)
  const fresh = await readThrough({ url: cfg.urls[0], docName: cfg.docName, token: cfg.witnessToken })
  const result = { witnessJoinMs, cases, witness: witness.report(), witnessSaw: [...witnessSaw], fresh }
  witness.stop()
  return result
}

// ---------------------------------------------------------------------------------------------
// failover: editors on several nodes type unique tokens; a node is SIGKILLed by the test while
// they type. Editors of that node either move to the next node with their Y.Doc ("rotate") or
// die with it ("vanish"). Every token must survive: all of a survivor's, and a vanished editor's
// typed well before the kill (the node had it, so the system must keep it).

function boundaries (text) {
  const out = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '>') out.push(i + 1)
  return out
}

async function typeTokens (editor, rnd, state, typed) {
  let seq = 0
  while (!state.stop && !editor.vanished) {
    const token = `<${editor.name}.${seq++}>`
    editor.text.insert(rnd.pick(boundaries(editor.text.toString())), token)
    typed.push([token, now()])
    await sleep(20 + rnd.int(40))
  }
}

async function failover (cfg, events) {
  const seed = cfg.seed ?? Math.floor(Math.random() * 2 ** 31)
  const n = cfg.urls.length
  const editors = cfg.editors.map((spec, i) => {
    const urls = cfg.urls.map((_, k) => cfg.urls[(spec.node + k) % n]) // home node first
    const editor = new Editor({ name: spec.name, urls, docName: cfg.docName, token: cfg.tokens[i], version: spec.version ?? 1, reconnect: spec.mode })
    editor.awareness.setLocalState({ user: { name: spec.name, color: COLORS[i % COLORS.length] } })
    editor.home = cfg.urls[spec.node]
    return editor.start()
  })
  const joinMs = await syncAll(editors)
  if (joinMs === null) return { error: 'not every editor synced', editors: editors.map((e) => e.report()) }
  const state = { stop: false }
  const typed = editors.map(() => [])
  const typing = editors.map((e, i) => typeTokens(e, random(seed + i), state, typed[i]))
  emit({ event: 'typing', at: now() })
  const killed = await events.next()
  if (!killed || killed.event !== 'killed') throw new Error(`expected the kill, got ${JSON.stringify(killed)}`)
  log('node killed at', killed.at)
  // how long the editors that died with the node stay on everyone else's screen
  const victims = editors.filter((e) => e.reconnect === 'vanish')
  const lingerMs = {}
  const watch = setInterval(() => {
    for (const e of editors) {
      if (e.reconnect === 'vanish' || e.name in lingerMs) continue
      if (!victims.some((v) => e.awareness.getStates().has(v.clientID))) lingerMs[e.name] = now() - killed.at
    }
  }, 20)
  await sleep(cfg.afterKillMs ?? 3000)
  state.stop = true
  await Promise.all(typing)
  const survivors = editors.filter((e) => !e.vanished)
  const convergedMs = await waitFor(() => survivors.every((e) => e.synced) && sameEverywhere(survivors), 20000)
  if (cfg.lingerTimeoutMs) {
    await waitFor(() => survivors.every((e) => e.name in lingerMs), cfg.lingerTimeoutMs, 50)
  }
  clearInterval(watch)
  const fresh = await readThrough({ url: cfg.freshUrl || cfg.urls[0], docName: cfg.docName, token: cfg.freshToken ?? cfg.tokens[0] })
  const result = {
    seed,
    joinMs,
    killedAt: killed.at,
    convergedMs,
    // ms after the kill until no dead editor's awareness was left (absent: still there at the end)
    victimAwarenessGoneMs: lingerMs,
    editors: editors.map((e, i) => ({ ...e.report(), home: e.home, mode: e.reconnect, vanished: e.vanished, typed: typed[i] })),
    fresh
  }
  survivors.forEach((e) => e.stop())
  return result
}

// crowd: many editors are in the document; they all move their cursor at the same moment (as
// when someone pastes code above everyone's cursor); watchers on another node, and on theirs,
// must see every one of them.

async function crowd (cfg) {
  const watchers = cfg.watchUrls.map((url, i) => new Editor({ name: `watcher${i}`, url, docName: cfg.docName, token: cfg.tokens[i % cfg.tokens.length], version: 3 }).start())
  await syncAll(watchers, 10000)
  const editors = []
  for (let i = 0; i < cfg.count; i++) {
    const editor = new Editor({ name: `p${i}`, url: cfg.urls[i % cfg.urls.length], docName: cfg.docName, token: cfg.tokens[i % cfg.tokens.length], version: 1 })
    editor.awareness.setLocalState(null) // quiet until the moment
    // and no renewal after 15 s: the one announcement has to arrive (a renewal would paper
    // over a lost one); y-protocols has no switch for it, so its timer is stopped
    clearInterval(editor.awareness._checkInterval)
    editors.push(editor.start())
  }
  const joinMs = await syncAll(editors, 30000)
  await sleep(500)
  editors.forEach((e, i) => e.awareness.setLocalState({ user: { name: e.name, color: COLORS[i % COLORS.length] }, cursor: cursorAt(e, 0, 0) }))
  const ids = editors.map((e) => e.clientID)
  const count = (w) => ids.filter((id) => w.awareness.getStates().get(id)?.user?.name).length
  const movedAt = now()
  const timeline = []
  const sample = setInterval(() => timeline.push([Math.round(now() - movedAt), ...watchers.map(count)]), 1000)
  const seenMs = await waitFor(() => watchers.every((w) => count(w) === ids.length), cfg.timeoutMs ?? 10000, 50)
  clearInterval(sample)
  const closes = {}
  for (const e of [...editors, ...watchers]) {
    for (const ev of e.events) {
      if (ev.type === 'close') closes[`${ev.code} ${ev.reason}`] = (closes[`${ev.code} ${ev.reason}`] || 0) + 1
    }
  }
  const result = { joinMs, seenMs, count: ids.length, seen: watchers.map((w) => ({ url: w.url, seen: count(w) })), closes, timeline }
  for (const e of [...editors, ...watchers]) e.stop()
  return result
}

// read: what a fresh client gets from the server.
async function read (cfg) {
  return readThrough({ url: cfg.urls[0], docName: cfg.docName, token: cfg.token, version: cfg.version ?? 3 })
}

const SCENARIOS = { converge, awareness, readonly, lock, refused, failover, crowd, read }

// every provider adds a process 'exit' listener
process.setMaxListeners(0)

async function main () {
  const events = stdinLines()
  const cfg = await events.next()
  const scenario = SCENARIOS[cfg.scenario]
  if (!scenario) throw new Error(`unknown scenario ${cfg.scenario}`)
  const result = await scenario(cfg, events)
  emit({ result })
  // providers keep timers; the result is out, so leave now
  setTimeout(() => process.exit(0), 100)
}

main().catch((error) => {
  log('failed:', error.stack || error)
  process.exit(1)
})
