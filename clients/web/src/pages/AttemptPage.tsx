import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { api, isApiError, type Answer, type Attempt, type Result, type SubmissionDetail } from '../api'
import { useAuth } from '../auth'
import { InlineError } from '../components/Card'
import { describeError } from '../errors'
import { useDocumentTitle } from '../hooks'
import { useSocketConnected, useSocketEvent } from '../socket'
import { QuizPanel, isAnswered } from '../screening/QuizPanel'
import { ResultView } from '../screening/ResultView'
import { TaskPanel } from '../screening/TaskPanel'
import { Timer, clockFrom, type ServerClock } from '../screening/Timer'
import { useIntegrityReporter } from '../screening/useIntegrity'
import { NotFoundPage } from './NotFoundPage'

/** Why the page stopped taking work: the server said so (409), or the count-down reached zero. */
type Over = 'attempt_over' | 'deadline' | null

const WAIT_FOR_FINISH_MS = 2_000
const WAIT_FOR_SCORE_MS = 5_000

/**
 * `/attempts/:id`: a candidate's timed assessment. Everything is on the server: the deadline,
 * drafts, submissions, answers; a reload or another device carries on where this one was.
 */
export function AttemptPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const { handleUnauthenticated } = useAuth()
  const [attempt, setAttempt] = useState<Attempt | null>(null)
  const [clock, setClock] = useState<ServerClock | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [over, setOver] = useState<Over>(null)
  useDocumentTitle('title.attempt', attempt?.vacancy.title)

  const apply = useCallback((next: Attempt) => {
    setAttempt(next)
    setClock(clockFrom(next.deadline, next.server_time))
    setError(null)
  }, [])

  // One request at a time; a call during one asks for another after it.
  const inFlight = useRef(false)
  const again = useRef(false)
  const load = useCallback(async () => {
    if (inFlight.current) {
      again.current = true
      return
    }
    inFlight.current = true
    try {
      apply(await api.attempt(id))
    } catch (err) {
      if (isApiError(err) && err.status === 401) handleUnauthenticated()
      setError(err)
    } finally {
      inFlight.current = false
      if (again.current) {
        again.current = false
        void load()
      }
    }
  }, [id, apply, handleUnauthenticated])

  useEffect(() => {
    setAttempt(null)
    setOver(null)
    void load()
  }, [load])

  const attemptOver = useCallback(() => {
    setOver((o) => o ?? 'attempt_over')
    void load()
  }, [load])

  // Past the deadline the server finishes the attempt by itself; ask until it has.
  const waiting = over !== null && attempt?.status === 'active'
  useEffect(() => {
    if (!waiting) return
    const timer = window.setInterval(() => void load(), WAIT_FOR_FINISH_MS)
    return () => window.clearInterval(timer)
  }, [waiting, load])

  // Submissions judged after the end may still change the score: events first, polling as a net.
  const pending = attempt?.status === 'finished' && (attempt.result?.pending_submissions ?? 0) > 0
  useEffect(() => {
    if (!pending) return
    const timer = window.setInterval(() => void load(), WAIT_FOR_SCORE_MS)
    return () => window.clearInterval(timer)
  }, [pending, load])

  useSocketEvent<{ attempt_id: string; reason?: string }>('attempt.finished', (payload) => {
    if (payload?.attempt_id === id) void load()
  })
  useSocketEvent<{ attempt_id: string; result: Result }>('attempt.scored', (payload) => {
    if (payload?.attempt_id !== id) return
    setAttempt((a) => (a && payload.result ? { ...a, result: payload.result } : a))
    void load()
  })
  useSocketEvent<SubmissionDetail>('submission.finished', (payload) => {
    if (payload?.attempt_id === id && attempt?.status === 'finished') void load()
  })
  useSocketConnected(() => void load())

  const onAnswered = useCallback((position: number, answer: Answer) => {
    setAttempt((a) =>
      a ? { ...a, questions: a.questions.map((q) => (q.position === position ? { ...q, answer } : q)) } : a,
    )
  }, [])

  if (!attempt) {
    if (isApiError(error) && error.status === 404) return <NotFoundPage />
    return (
      <div className="page" data-testid="attempt-page" data-status="loading">
        {error ? (
          <InlineError error={error} onRetry={() => void load()} />
        ) : (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        )}
      </div>
    )
  }

  const finished = attempt.status === 'finished'
  return (
    <div className="page attempt-page" data-testid="attempt-page" data-status={attempt.status}>
      <div className="page-head page-head--tight">
        <p className="breadcrumbs">
          <Link to={`/vacancies/${attempt.vacancy.id}`}>{attempt.vacancy.organisation.name}</Link>
        </p>
        <h1 data-testid="attempt-title">{attempt.vacancy.title}</h1>
      </div>
      {error ? <InlineError error={error} onRetry={() => void load()} /> : null}
      {over === 'attempt_over' || (over === 'deadline' && !finished) ? (
        <div className="callout callout--warn" role="alert" data-testid="attempt-over">
          <p className="callout__title">{t('attempt.overTitle')}</p>
          <p>{t('attempt.overText')}</p>
        </div>
      ) : null}
      {finished || over !== null ? (
        <ResultView attempt={attempt} />
      ) : (
        <Workspace attempt={attempt} clock={clock} onAttemptOver={attemptOver} onExpire={() => { setOver('deadline'); void load() }} onChanged={() => void load()} onFinished={apply} onAnswered={onAnswered} />
      )}
    </div>
  )
}

function Workspace({
  attempt,
  clock,
  onAttemptOver,
  onExpire,
  onChanged,
  onFinished,
  onAnswered,
}: {
  attempt: Attempt
  clock: ServerClock | null
  onAttemptOver: () => void
  onExpire: () => void
  onChanged: () => void
  onFinished: (attempt: Attempt) => void
  onAnswered: (position: number, answer: Answer) => void
}) {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const tabs = [...attempt.tasks.map((task) => `task-${task.id}`), ...(attempt.questions.length ? ['quiz'] : [])]
  const wanted = params.get('tab')
  const tab = wanted && tabs.includes(wanted) ? wanted : (tabs[0] ?? '')
  const report = useIntegrityReporter(attempt.id, attempt.status === 'active', onAttemptOver)
  const answered = attempt.questions.filter((q) => isAnswered(q.answer)).length

  function select(next: string) {
    const copy = new URLSearchParams(params)
    copy.set('tab', next)
    setParams(copy, { replace: true })
  }

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0
    if (!step) return
    e.preventDefault()
    const next = tabs[(index + step + tabs.length) % tabs.length]
    if (next) {
      select(next)
      document.getElementById(`tab-${next}`)?.focus()
    }
  }

  return (
    <>
      <div className="attempt-bar" data-testid="attempt-bar">
        {clock ? <Timer clock={clock} onExpire={onExpire} /> : null}
        <p className="attempt-bar__note muted">{t('attempt.serverClock')}</p>
        <div className="attempt-bar__actions">
          <FullscreenButton />
          <FinishButton attempt={attempt} answered={answered} onFinished={onFinished} onAttemptOver={onAttemptOver} />
        </div>
      </div>

      <details className="callout integrity-note" data-testid="integrity-notice" open>
        <summary className="callout__title">{t('integrity.title')}</summary>
        <p>{t('integrity.what')}</p>
        <p>
          <strong>{t('integrity.never')}</strong>
        </p>
      </details>

      <div className="attempt-layout">
        <div className="attempt-tabs" role="tablist" aria-orientation="vertical" aria-label={t('attempt.parts')}>
          {attempt.tasks.map((task, index) => {
            const key = `task-${task.id}`
            return (
              <button
                key={key}
                id={`tab-${key}`}
                type="button"
                role="tab"
                aria-selected={tab === key}
                aria-controls={`panel-${key}`}
                tabIndex={tab === key ? 0 : -1}
                className="attempt-tab"
                data-testid="attempt-tab"
                data-kind="task"
                data-task-id={task.id}
                onClick={() => select(key)}
                onKeyDown={(e) => onTabKey(e, index)}
              >
                <span className="attempt-tab__title">{t('task.tab', { n: index + 1, title: task.title })}</span>
                <span className="attempt-tab__meta">
                  {task.best_score === null
                    ? t('task.notSubmitted')
                    : t('task.bestShort', { score: task.best_score, max: task.max_score })}
                </span>
              </button>
            )
          })}
          {attempt.questions.length ? (
            <button
              id="tab-quiz"
              type="button"
              role="tab"
              aria-selected={tab === 'quiz'}
              aria-controls="panel-quiz"
              tabIndex={tab === 'quiz' ? 0 : -1}
              className="attempt-tab"
              data-testid="attempt-tab"
              data-kind="quiz"
              onClick={() => select('quiz')}
              onKeyDown={(e) => onTabKey(e, attempt.tasks.length)}
            >
              <span className="attempt-tab__title">{t('quiz.heading')}</span>
              <span className="attempt-tab__meta" data-testid="quiz-progress">
                {t('quiz.progress', { answered, total: attempt.questions.length })}
              </span>
            </button>
          ) : null}
        </div>
        <div className="attempt-panels">
          {attempt.tasks.map((task, index) => (
            <TaskPanel
              key={task.id}
              attemptId={attempt.id}
              task={task}
              position={index + 1}
              languages={attempt.languages}
              hidden={tab !== `task-${task.id}`}
              onAttemptOver={onAttemptOver}
              onChanged={onChanged}
              report={report}
            />
          ))}
          {attempt.questions.length ? (
            <QuizPanel
              attemptId={attempt.id}
              questions={attempt.questions}
              hidden={tab !== 'quiz'}
              onAttemptOver={onAttemptOver}
              onAnswered={onAnswered}
            />
          ) : null}
        </div>
      </div>
    </>
  )
}

function FullscreenButton() {
  const { t } = useTranslation()
  const [full, setFull] = useState(() => Boolean(document.fullscreenElement))
  useEffect(() => {
    const onChange = () => setFull(Boolean(document.fullscreenElement))
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])
  if (!document.fullscreenEnabled) return null
  return (
    <button
      type="button"
      className="button button--small"
      onClick={() => void (full ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {})}
    >
      {full ? t('attempt.exitFullscreen') : t('attempt.fullscreen')}
    </button>
  )
}

function FinishButton({
  attempt,
  answered,
  onFinished,
  onAttemptOver,
}: {
  attempt: Attempt
  answered: number
  onFinished: (attempt: Attempt) => void
  onAttemptOver: () => void
}) {
  const { t } = useTranslation()
  const dialog = useRef<HTMLDialogElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const unsubmitted = attempt.tasks.filter((task) => !task.submissions.some((s) => !s.samples_only)).length
  const unanswered = attempt.questions.length - answered

  async function finish() {
    setBusy(true)
    setError(null)
    try {
      const done = await api.finishAttempt(attempt.id)
      dialog.current?.close()
      onFinished(done)
    } catch (err) {
      setError(err)
      if (isApiError(err) && err.status === 409) {
        dialog.current?.close()
        onAttemptOver()
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button--primary button--small"
        data-testid="finish-attempt"
        onClick={() => {
          setError(null)
          dialog.current?.showModal()
        }}
      >
        {t('attempt.finish')}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="finish-title" data-testid="finish-dialog">
        <h2 id="finish-title">{t('attempt.finishTitle')}</h2>
        <p>{t('attempt.finishText')}</p>
        <ul>
          {unsubmitted > 0 ? <li>{t('attempt.finishUnsubmitted', { count: unsubmitted })}</li> : null}
          {unanswered > 0 ? <li>{t('attempt.finishUnanswered', { count: unanswered })}</li> : null}
          <li>{t('attempt.finishDrafts')}</li>
        </ul>
        {error ? (
          <p className="form-error" role="alert">
            {describeError(error, t)}
          </p>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialog.current?.close()} disabled={busy}>
            {t('attempt.keepWorking')}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="finish-confirm"
            disabled={busy}
            aria-busy={busy || undefined}
            onClick={() => void finish()}
          >
            {t('attempt.finishConfirm')}
          </button>
        </div>
      </dialog>
    </>
  )
}
