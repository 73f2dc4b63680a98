/** Rebuilding a shared file's text from its update log, step by step, for the replay. */
import * as Y from 'yjs'
import type { HistoryUpdate } from '../api'

/** Pauses longer than this are not played; they show as "idle skipped". */
export const IDLE_MS = 2_000
/** How long a skipped pause takes on the replay's clock. */
export const IDLE_SHOWN_MS = 400
/** An update that inserts at least this many characters at once counts as a paste. */
export const PASTE_CHARS = 30
/** The replay starts this long (replay clock) before the first change, on an empty file. */
const LEAD_IN_MS = 300

export interface Step {
  index: number
  /** When the change was made (epoch ms). */
  at: number
  /** Where it is on the replay's clock (ms from the start, idle pauses shortened). */
  v: number
  authorId: string | null
  authorName: string | null
  /** The whole text after this change. */
  text: string
  inserted: number
  deleted: number
  paste: boolean
  /** The pause before this change that the replay skips (ms), or 0. */
  idleBefore: number
  /** Where the change is in `text`: [from, to) of what was inserted (to = from for deletions). */
  from: number
  to: number
}

export interface Replay {
  steps: Step[]
  /** The replay clock's end (ms). */
  total: number
  /** Wall-clock time from the first change to the last (ms). */
  span: number
  authors: { id: string | null; name: string | null; changes: number; pastes: number }[]
}

function decode(base64: string): Uint8Array {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Apply the updates in order to a fresh Y.Doc and keep the text after each one that changed
 * it (`ytext` is `getText('codemirror')`, as y-codemirror binds it), with who made it, how
 * much it inserted and deleted, and where on a clock with long pauses shortened it falls.
 */
export function buildReplay(updates: HistoryUpdate[], field = 'codemirror'): Replay {
  const doc = new Y.Doc()
  const ytext = doc.getText(field)
  let change = { inserted: 0, deleted: 0, from: -1, to: -1 }
  ytext.observe((event) => {
    let pos = 0
    for (const op of event.delta) {
      if (op.retain !== undefined) pos += op.retain
      else if (op.insert !== undefined) {
        const length = typeof op.insert === 'string' ? op.insert.length : 1
        if (change.from < 0) change.from = pos
        change.inserted += length
        pos += length
        change.to = Math.max(change.to, pos)
      } else if (op.delete !== undefined) {
        if (change.from < 0) change.from = pos
        change.deleted += op.delete
        change.to = Math.max(change.to, pos)
      }
    }
  })

  const steps: Step[] = []
  let previousAt: number | null = null
  let v = LEAD_IN_MS
  let text = ''
  for (const entry of updates) {
    change = { inserted: 0, deleted: 0, from: -1, to: -1 }
    try {
      Y.applyUpdate(doc, decode(entry.update))
    } catch {
      continue // a damaged entry: the rest still replays
    }
    const after = ytext.toString()
    if (after === text) continue
    text = after
    const at = Date.parse(entry.at)
    let idleBefore = 0
    if (previousAt !== null) {
      const gap = Math.max(0, at - previousAt)
      if (gap > IDLE_MS) {
        idleBefore = gap
        v += IDLE_SHOWN_MS
      } else {
        v += gap
      }
    }
    previousAt = at
    steps.push({
      index: steps.length,
      at,
      v,
      authorId: entry.author?.id ?? null,
      authorName: entry.author?.full_name ?? null,
      text,
      inserted: change.inserted,
      deleted: change.deleted,
      paste: change.inserted >= PASTE_CHARS,
      idleBefore,
      from: Math.max(0, change.from),
      to: Math.max(0, change.to),
    })
  }
  doc.destroy()

  const byAuthor = new Map<string, Replay['authors'][number]>()
  for (const step of steps) {
    const key = step.authorId ?? ''
    const known = byAuthor.get(key) ?? { id: step.authorId, name: step.authorName, changes: 0, pastes: 0 }
    known.changes++
    if (step.paste) known.pastes++
    if (!known.name && step.authorName) known.name = step.authorName
    byAuthor.set(key, known)
  }
  const first = steps[0]
  const last = steps[steps.length - 1]
  return {
    steps,
    total: last ? last.v + LEAD_IN_MS : 0,
    span: first && last ? last.at - first.at : 0,
    authors: [...byAuthor.values()],
  }
}

/** The last step at or before `position` on the replay clock (-1: before the first). */
export function stepAt(steps: Step[], position: number): number {
  let lo = 0
  let hi = steps.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if ((steps[mid]?.v ?? Infinity) <= position) {
      found = mid
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}
