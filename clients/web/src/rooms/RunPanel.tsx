import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, isApiError, type Room, type RoomRun, type RunStarted } from '../api'
import { InlineError } from '../components/Card'
import { useFormatters } from '../format'
import { translateOptional } from '../i18n'
import { useSocketEvent } from '../socket'
import { SubmissionResult } from '../screening/SubmissionResult'
import { VerdictTag } from '../screening/tags'

/** The run everyone in the room sees: who started it, on which file, and its result once in. */
export interface SharedRun {
  id: string
  file_name: string | null
  tests: boolean
  by: { id: string; full_name: string } | null
  result: RoomRun | null
  /** What it has printed so far (`room.run.output`), until the result replaces it. */
  live: LiveOutput
}

/**
 * A run's output as it streams in: `next` is the `seq` of the chunk that comes next, within
 * the judge's `attempt` at the run (a run started over after its worker died counts from 0).
 */
export interface LiveOutput {
  attempt: number
  next: number
  stdout: string
  stderr: string
}

/** `room.run.output`: a chunk of a plain run's stdout or stderr, numbered from 0 per run. */
interface RunOutputEvent {
  room_id: string
  id: string
  attempt?: number
  seq: number
  stream: 'stdout' | 'stderr'
  text: string
}

const NO_OUTPUT: LiveOutput = { attempt: 0, next: 0, stdout: '', stderr: '' }

/**
 * A chunk appended in `seq` order; a repeated or early one (after a reconnect) is left out.
 * A later attempt at the run replaces what an earlier one printed.
 */
function appendChunk(live: LiveOutput, event: RunOutputEvent): LiveOutput {
  const attempt = event.attempt ?? 1
  if (attempt < live.attempt) return live
  const base = attempt > live.attempt ? { ...NO_OUTPUT, attempt } : live
  if (event.seq !== base.next) return base
  return { ...base, next: base.next + 1, [event.stream]: base[event.stream] + event.text }
}

const POLL_MS = 2_000

/**
 * `room.run.started`, `room.run.output` (as it prints) and `room.run.finished` (the whole
 * result, which replaces what streamed in) for this room, with polling as a net for the one
 * in progress.
 */
export function useSharedRun(roomId: string) {
  const [run, setRun] = useState<SharedRun | null>(null)

  useSocketEvent<RunStarted>('room.run.started', (event) => {
    if (event?.room_id !== roomId) return
    const started = { id: event.id, file_name: event.file_name, tests: event.tests, by: event.by }
    // its first output may have come first, from the judge's node
    setRun((current) =>
      current && current.id === event.id ? { ...current, ...started } : { ...started, result: null, live: NO_OUTPUT },
    )
  })
  useSocketEvent<RunOutputEvent>('room.run.output', (event) => {
    if (event?.room_id !== roomId) return
    setRun((current) => {
      if (current?.id !== event.id) {
        const live = appendChunk(NO_OUTPUT, event)
        return { id: event.id, file_name: null, tests: false, by: null, result: null, live }
      }
      return current.result ? current : { ...current, live: appendChunk(current.live, event) }
    })
  })
  useSocketEvent<RoomRun & { room_id: string }>('room.run.finished', (event) => {
    if (event?.room_id !== roomId) return
    setRun((current) =>
      current && current.id === event.id
        ? { ...current, result: event }
        : {
            id: event.id,
            file_name: null,
            tests: event.kind === 'submission',
            by: null,
            result: event,
            live: NO_OUTPUT,
          },
    )
  })

  const pendingId = run && run.result?.status !== 'done' ? run.id : null
  useEffect(() => {
    if (!pendingId) return
    let cancelled = false
    let timer: number | undefined
    const poll = async () => {
      try {
        const result = await api.roomRunResult(roomId, pendingId)
        if (cancelled) return
        if (result.status === 'done') {
          setRun((current) => (current && current.id === pendingId ? { ...current, result } : current))
          return
        }
      } catch (err) {
        if (cancelled || (isApiError(err) && (err.status === 404 || err.status === 401))) return
      }
      timer = window.setTimeout(() => void poll(), POLL_MS)
    }
    timer = window.setTimeout(() => void poll(), POLL_MS)
    return () => {
      cancelled = true
      window.clearTimeout(timer)
    }
  }, [roomId, pendingId])

  return { run, setRun }
}

interface RunPanelProps {
  room: Room
  fileName: string | null
  me: { id: string; full_name: string }
  shared: ReturnType<typeof useSharedRun>
}

/** Run the open file on stdin, or on the room's task's tests; the output panel is the room's. */
export function RunPanel({ room, fileName, me, shared }: RunPanelProps) {
  const { t } = useTranslation()
  const [stdin, setStdin] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const { run, setRun } = shared
  const writer = room.my_role === 'candidate' || room.my_role === 'interviewer'
  const ended = room.status === 'ended'
  const stopped = room.running_disabled && room.my_role === 'candidate'
  const pending = run !== null && run.result?.status !== 'done'
  const disabled = !writer || ended || stopped || busy || pending || !fileName

  async function start(tests: boolean) {
    if (!fileName) return
    setBusy(true)
    setError(null)
    try {
      const { id } = await api.roomRun(room.id, { file_name: fileName, stdin, tests })
      // the `room.run.started` event may have come first
      setRun((current) =>
        current?.id === id ? current : { id, file_name: fileName, tests, by: me, result: null, live: NO_OUTPUT },
      )
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card run-panel" aria-labelledby="run-heading" data-testid="run-panel">
      <div className="card__header">
        <h2 id="run-heading">{t('rooms.runHeading')}</h2>
        {room.running_disabled ? (
          <span className="tag tag--bare tag--muted" data-testid="running-off">
            {t('rooms.runningOff')}
          </span>
        ) : null}
      </div>
      {writer && !ended ? (
        <>
          <label htmlFor="run-stdin" className="field-label">
            {t('rooms.stdin')}
          </label>
          <textarea
            id="run-stdin"
            className="stdin"
            rows={3}
            spellCheck={false}
            value={stdin}
            onChange={(e) => setStdin(e.target.value)}
            data-testid="run-stdin"
          />
          <div className="editor-actions">
            <button
              type="button"
              className="button button--primary"
              data-testid="run-code"
              disabled={disabled}
              aria-busy={busy || pending || undefined}
              onClick={() => void start(false)}
            >
              {fileName ? t('rooms.runFile', { file: fileName }) : t('rooms.run')}
            </button>
            {room.task ? (
              <button
                type="button"
                className="button"
                data-testid="run-tests"
                disabled={disabled}
                onClick={() => void start(true)}
              >
                {t('rooms.runTests', { title: room.task.title })}
              </button>
            ) : null}
            {stopped ? <span className="muted">{t('rooms.runningOffCandidate')}</span> : null}
          </div>
        </>
      ) : null}
      {error ? <InlineError error={error} /> : null}
      <RunOutput run={run} />
    </section>
  )
}

function RunOutput({ run }: { run: SharedRun | null }) {
  const { t } = useTranslation()
  const f = useFormatters()
  if (!run) {
    return (
      <div className="run-output run-output--empty" data-testid="run-output" data-state="none">
        <p className="muted">{t('rooms.noRunYet')}</p>
      </div>
    )
  }
  const what = run.file_name ?? ''
  const result = run.result
  if (!result || result.status !== 'done') {
    return (
      <div className="run-output" data-testid="run-output" data-state="running" data-run-id={run.id}>
        <p className="judge-result__pending" role="status" data-testid="run-by">
          <span className="spinner spinner--small" aria-hidden="true" />
          {run.by
            ? run.tests
              ? t('rooms.testingBy', { name: run.by.full_name, file: what })
              : t('rooms.runningBy', { name: run.by.full_name, file: what })
            : t('rooms.runningSomeone')}
        </p>
        {/* what it has printed so far; nothing until it prints */}
        {run.live.stdout || run.live.stderr ? (
          <Printed stdout={run.live.stdout} stderr={run.live.stderr} testId="run-live" />
        ) : null}
      </div>
    )
  }
  if (result.kind === 'submission') {
    return (
      <div className="run-output" data-testid="run-output" data-state="done" data-kind="tests" data-run-id={run.id} data-verdict={result.verdict ?? ''}>
        <RunCaption run={run} />
        <SubmissionResult
          submission={{
            id: result.id,
            status: result.status,
            verdict: result.verdict,
            score: result.score ?? null,
            max_score: result.max_score ?? null,
            compile_output: result.compile_output ?? null,
            cpu_ms: result.cpu_ms,
            memory_kb: result.memory_kb,
            tests: result.tests ?? null,
          }}
          testId="run-verdict"
        />
      </div>
    )
  }
  const ok = result.verdict === 'AC'
  return (
    <div className="run-output" data-testid="run-output" data-state="done" data-kind="run" data-run-id={run.id} data-verdict={result.verdict ?? ''}>
      <RunCaption run={run} />
      <p className="judge-result__summary" role="status" data-testid="run-verdict">
        <VerdictTag verdict={result.verdict} />
        <span>{ok ? t('rooms.runOk') : translateOptional('verdicts', result.verdict ?? '', result.verdict ?? '')}</span>
        {result.exit_code !== null && result.exit_code !== undefined && result.exit_code !== 0 ? (
          <span className="muted">{t('rooms.exitCode', { code: result.exit_code })}</span>
        ) : null}
        {result.signal ? <span className="muted">{t('rooms.signal', { signal: result.signal })}</span> : null}
        <span className="muted" data-testid="run-time">
          {t('rooms.runTime', { time: f.cpu(result.cpu_ms), wall: f.cpu(result.wall_ms ?? null) })}
        </span>
        <span className="muted" data-testid="run-memory">
          {t('rooms.runMemory', { memory: f.memory(result.memory_kb) })}
        </span>
      </p>
      {result.compile_output ? (
        <details className="judge-result__compile" open={result.verdict === 'CE'}>
          <summary>{t('judge.compileOutput')}</summary>
          <pre className="output">{result.compile_output}</pre>
        </details>
      ) : null}
      <Printed stdout={result.stdout ?? ''} stderr={result.stderr ?? ''} testId="run" />
    </div>
  )
}

/** A run's stdout, and its stderr if any: `<testId>-stdout`, `<testId>-stderr`. */
function Printed({ stdout, stderr, testId }: { stdout: string; stderr: string; testId: string }) {
  const { t } = useTranslation()
  return (
    <>
      <p className="sample__label">{t('rooms.stdout')}</p>
      <pre className="output run-output__stdout" data-testid={`${testId}-stdout`}>
        {stdout || ' '}
      </pre>
      {stderr ? (
        <>
          <p className="sample__label">{t('rooms.stderr')}</p>
          <pre className="output output--error" data-testid={`${testId}-stderr`}>
            {stderr}
          </pre>
        </>
      ) : null}
    </>
  )
}

function RunCaption({ run }: { run: SharedRun }) {
  const { t } = useTranslation()
  if (!run.by) return null
  return (
    <p className="muted run-output__caption">
      {run.tests
        ? t('rooms.testedBy', { name: run.by.full_name, file: run.file_name ?? '' })
        : t('rooms.ranBy', { name: run.by.full_name, file: run.file_name ?? '' })}
    </p>
  )
}
