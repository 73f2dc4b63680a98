#!/usr/bin/env node
// Many real y-websocket clients in one Node process, for bench/collab.py: the same clients
// against any y-websocket server.
//
//   node load.mjs   (stdin: line-delimited JSON, the first line the config; stdout: events)
//
// Config: {"url", "docName", "tokens": [...], "writers": W, "seedChars", "observers": N,
//          "updates", "everyMs", "settleMs", "awareness": true | false,
//          "deflate": "offer" | "wide" | "off" (see socketClass in lib.mjs)}
//
// 1. the first W tokens are writers: they connect, the first one types the seed text in small
//    pieces (a file's worth of typing history), then it prints {"event": "seeded"} and waits
//    for a line {"go": true} (the harness reads the server's memory meanwhile);
// 2. N observers are opened at once; each one's time from `new WebsocketProvider` to its first
//    `sync` is taken; {"event": "joined", ...} is printed when all have synced (or the join
//    timed out), and the driver waits for {"go": true} again;
// 3. the writers insert markers (`~<writer>.<seq>;`) at the end of the text, each writer every
//    `everyMs`, `updates` each; every other client notes when it sees each marker in a Y.Text
//    event; latency = seen - inserted (one process, one clock). {"event": "propagated", ...}.
//
// The latencies include this process's own work for all of its clients (decoding and applying
// every update N times on one thread), which is the same whichever server is measured.

import { Editor, emit, log, now, sleep, stdinLines, waitFor } from './lib.mjs'

const CODE = `def word_frequencies(text: str, top: int = 10) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for word in text.lower().split():
        word = word.strip(".,;:!?\\"'()[]{}")
        if word:
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]

`

function percentile (sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]
}

function stats (values) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null
  }
}

const MARKER = /~(\d+)\.(\d+);/g

// every provider adds a process 'exit' listener
process.setMaxListeners(0)

async function main () {
  const events = stdinLines()
  const cfg = await events.next()
  const writersCount = cfg.writers ?? 1
  const tokens = cfg.tokens
  const open = (name, token) => {
    const editor = new Editor({ name, url: cfg.url, docName: cfg.docName, token, version: cfg.version ?? 1, deflate: cfg.deflate ?? 'offer' })
    // y-websocket announces a client's awareness state ({} by default) on connect and renews
    // it every 15 s; servers relay each one to every client of the document (N^2 in all)
    if (cfg.awareness === false) editor.awareness.setLocalState(null)
    return editor
  }

  // 1. writers, and the seed
  const writers = tokens.slice(0, writersCount).map((token, i) => open(`w${i}`, token).start())
  if (await waitFor(() => writers.every((w) => w.synced), 30000) === null) throw new Error('the writers did not sync')
  const seedChars = cfg.seedChars ?? 0
  const seeder = writers[0]
  while (seeder.text.length < seedChars) {
    const at = seeder.text.length % CODE.length
    seeder.text.insert(seeder.text.length, CODE.slice(at, at + 24))
    if (seeder.text.length % 480 < 24) await sleep(0) // let the socket drain now and then
  }
  await waitFor(() => writers.every((w) => w.text.length >= seedChars), 30000)
  await sleep(300)
  emit({ event: 'seeded', chars: seeder.text.length })
  await events.next()

  // 2. N observers at once
  const observers = tokens.slice(writersCount, writersCount + cfg.observers).map((token, i) => open(`o${i}`, token))
  const joinCpu = process.cpuUsage()
  const joinStarted = now()
  const joinTimes = new Array(observers.length).fill(null)
  observers.forEach((o, i) => {
    const started = now()
    o.start()
    o.provider.on('sync', (synced) => {
      if (synced && joinTimes[i] === null) joinTimes[i] = now() - started
    })
  })
  const allMs = await waitFor(() => joinTimes.every((t) => t !== null), cfg.joinTimeoutMs ?? 60000, 5)
  const joined = joinTimes.filter((t) => t !== null)
  const complete = observers.filter((o) => o.text.length >= seedChars).length
  const joinCpuUsed = process.cpuUsage(joinCpu)
  const joinWall = now() - joinStarted
  emit({
    event: 'joined',
    clients: observers.length,
    allMs: allMs ?? (now() - joinStarted),
    timedOut: allMs === null,
    synced: joined.length,
    withFullText: complete,
    join: stats(joined),
    driverCpuPct: (100 * (joinCpuUsed.user + joinCpuUsed.system)) / 1000 / joinWall
  })
  await events.next()

  // what the clients receive (frames after decompression, and their bytes)
  let frames = 0
  let bytes = 0
  for (const client of [...writers, ...observers]) {
    const ws = client.provider && client.provider.ws
    if (ws) ws.on('message', (data) => { frames += 1; bytes += data.byteLength })
  }

  // 3. propagation from the writers to everyone else
  const updates = cfg.updates ?? 0
  if (updates > 0) {
    const sentAt = new Map()
    const latencies = []
    const spread = new Map() // marker -> [first client's latency, last client's latency]
    const everyone = [...writers, ...observers]
    const received = everyone.map(() => 0)
    everyone.forEach((client, index) => {
      const mine = client.name.startsWith('w') ? Number(client.name.slice(1)) : -1
      client.text.observe((event) => {
        const at = now()
        for (const op of event.delta) {
          if (typeof op.insert !== 'string') continue
          for (const match of op.insert.matchAll(MARKER)) {
            if (Number(match[1]) === mine) continue
            const sent = sentAt.get(match[0])
            if (sent !== undefined) {
              latencies.push(at - sent)
              received[index] += 1
              const seen = spread.get(match[0])
              if (seen) seen[1] = at - sent
              else spread.set(match[0], [at - sent, at - sent])
            }
          }
        }
      })
    })
    const everyMs = cfg.everyMs ?? 50
    const cpuBefore = process.cpuUsage()
    frames = 0
    bytes = 0
    const began = now()
    await Promise.all(writers.map(async (writer, w) => {
      await sleep((everyMs * w) / writers.length) // spread the writers over the period
      for (let seq = 0; seq < updates; seq++) {
        const marker = `~${w}.${seq};`
        sentAt.set(marker, now())
        writer.text.insert(writer.text.length, marker)
        const next = began + (everyMs * w) / writers.length + everyMs * (seq + 1)
        await sleep(Math.max(0, next - now()))
      }
    }))
    // each client should see every other writer's every marker
    const expected = everyone.map((c) => (c.name.startsWith('w') ? writers.length - 1 : writers.length) * updates)
    await waitFor(() => received.every((r, i) => r >= expected[i]), cfg.settleMs ?? 10000, 20)
    const wanted = expected.reduce((a, b) => a + b, 0)
    const cpu = process.cpuUsage(cpuBefore)
    emit({
      event: 'propagated',
      writers: writers.length,
      receivers: everyone.length - (writers.length === 1 ? 1 : 0),
      updates: updates * writers.length,
      expected: wanted,
      missing: wanted - latencies.length,
      latency: stats(latencies),
      // per marker: when the first receiver had it (ingest), and the last (fan-out)
      first: stats([...spread.values()].map((v) => v[0])),
      last: stats([...spread.values()].map((v) => v[1])),
      driverCpuPct: (100 * (cpu.user + cpu.system)) / 1000 / (now() - began),
      framesReceived: frames,
      bytesReceived: bytes
    })
  }
  for (const client of [...observers, ...writers]) client.stop()
  await sleep(200)
  emit({ event: 'done' })
  setTimeout(() => process.exit(0), 50)
}

main().catch((error) => {
  log('load failed:', error.stack || error)
  process.exit(1)
})
