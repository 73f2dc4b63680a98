import { useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, isApiError, type AttemptTask, type IntegrityKind, type LanguageInfo, type SubmissionDetail } from '../api'
import { InlineError } from '../components/Card'
import { CodeEditor } from '../components/CodeEditor'
import { describeError } from '../errors'
import { useFormatDate } from '../format'
import { languageName } from './languages'
import { Statement } from './Statement'
import { SubmissionResult } from './SubmissionResult'
import { VerdictTag } from './tags'
import { useDraftSaver, type SaveState } from './useDraftSaver'
import { useJudgeResult } from './useJudgeResult'

interface TaskPanelProps {
  attemptId: string
  task: AttemptTask
  position: number
  languages: LanguageInfo[]
  hidden: boolean
  /** An answer said `409 attempt_over`. */
  onAttemptOver: () => void
  /** Something changed on the server (a submission made or judged): fetch the attempt again. */
  onChanged: () => void
  report: (kind: IntegrityKind, details?: Record<string, unknown>) => void
}

const LANGUAGE_KEY = 'sobes.language'

function preferredLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY)
  } catch {
    return null
  }
}

function rememberLanguage(language: string): void {
  try {
    window.localStorage.setItem(LANGUAGE_KEY, language)
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

/**
 * The language to open a task in: the one last drafted on the server, else the one this
 * browser chose last time, else the first the assessment allows.
 */
function initialLanguage(task: AttemptTask, languages: LanguageInfo[]): string {
  const offered = languages.map((l) => l.id)
  const drafted = Object.entries(task.drafts)
    .filter(([lang]) => offered.includes(lang))
    .sort((a, b) => Date.parse(b[1].updated_at) - Date.parse(a[1].updated_at))
  if (drafted[0]) return drafted[0][0]
  const preferred = preferredLanguage()
  if (preferred && offered.includes(preferred)) return preferred
  return offered[0] ?? ''
}

export function TaskPanel({
  attemptId,
  task,
  position,
  languages,
  hidden,
  onAttemptOver,
  onChanged,
  report,
}: TaskPanelProps) {
  const { t } = useTranslation()
  const [language, setLanguage] = useState(() => initialLanguage(task, languages))
  // What the candidate typed here, per language; the server's draft or the starter code until then.
  const edited = useRef(new Map<string, string>())
  const sourceOf = (lang: string) =>
    edited.current.get(lang) ?? task.drafts[lang]?.source ?? task.starter_code[lang] ?? ''
  const [source, setSource] = useState(() => sourceOf(language))
  const saver = useDraftSaver(attemptId, task.id, onAttemptOver, Boolean(task.drafts[language]))

  const [runId, setRunId] = useState<string | null>(null)
  const [submissionId, setSubmissionId] = useState<string | null>(null)
  const [shownId, setShownId] = useState<string | null>(null)
  const [busy, setBusy] = useState<'run' | 'submit' | null>(null)
  const [actionError, setActionError] = useState<unknown>(null)
  const run = useJudgeResult(runId)
  const submission = useJudgeResult(submissionId, () => onChanged())
  const shown = useJudgeResult(shownId && shownId !== submissionId ? shownId : null)

  function chooseLanguage(next: string) {
    saver.flush()
    rememberLanguage(next)
    setLanguage(next)
    setSource(sourceOf(next))
  }

  function onEdit(text: string) {
    edited.current.set(language, text)
    setSource(text)
    saver.change(language, text)
  }

  async function send(kind: 'run' | 'submit') {
    setBusy(kind)
    setActionError(null)
    saver.flush()
    try {
      const body = { language, source }
      if (kind === 'run') {
        const { id } = await api.runSamples(attemptId, task.id, body)
        setRunId(id)
      } else {
        const { id } = await api.submitSolution(attemptId, task.id, body)
        setSubmissionId(id)
        setShownId(id)
        onChanged()
      }
    } catch (err) {
      if (isApiError(err) && err.status === 409 && err.code === 'attempt_over') onAttemptOver()
      setActionError(err)
    } finally {
      setBusy(null)
    }
  }

  const runPending = runId !== null && run.result?.status !== 'done'
  const submitPending = submissionId !== null && submission.result?.status !== 'done'
  const empty = !source.trim()
  const headingId = `task-${task.id}-title`
  const shownResult: SubmissionDetail | null =
    shownId === null ? null : shownId === submissionId ? submission.result : shown.result
  const languageInfo = languages.find((l) => l.id === language)

  return (
    <section
      className="task-panel"
      hidden={hidden}
      aria-labelledby={headingId}
      data-testid="task-panel"
      data-task-id={task.id}
      role="tabpanel"
      id={`panel-task-${task.id}`}
    >
      <div className="task-statement card">
        <div className="card__header">
          <h2 id={headingId} data-testid="task-title" data-title={task.title}>
            {t('task.heading', { n: position, title: task.title })}
          </h2>
          <span className="muted">{t('task.points', { count: task.max_score })}</span>
        </div>
        <Statement task={task} headingShift={2} moreLimits={<li>{t('task.weight', { weight: task.weight })}</li>} />
      </div>

      <div className="task-work card">
        <div className="editor-bar">
          <label htmlFor={`lang-${task.id}`}>{t('task.language')}</label>
          <select
            id={`lang-${task.id}`}
            data-testid="language-choice"
            value={language}
            onChange={(e) => chooseLanguage(e.target.value)}
          >
            {languages.map((l) => (
              <option key={l.id} value={l.id}>
                {l.version ? `${l.name} (${l.version})` : l.name}
              </option>
            ))}
          </select>
          <SaveIndicator state={saver.state} error={saver.error} savedAt={saver.savedAt} onRetry={saver.flush} />
        </div>
        <CodeEditor
          value={source}
          docKey={`${task.id}:${language}`}
          language={language}
          onChange={onEdit}
          onPaste={(length) => report('paste', { length })}
          label={t('task.editorLabel', { title: task.title, language: languageInfo?.name ?? language })}
          testId="code-editor"
        />
        <div className="editor-actions">
          <button
            type="button"
            className="button"
            data-testid="run-samples"
            disabled={busy !== null || runPending || empty}
            aria-busy={busy === 'run' || runPending || undefined}
            onClick={() => void send('run')}
          >
            {runPending ? t('task.running') : t('task.run')}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="submit-solution"
            disabled={busy !== null || submitPending || empty}
            aria-busy={busy === 'submit' || submitPending || undefined}
            onClick={() => void send('submit')}
          >
            {submitPending ? t('task.judging') : t('task.submit')}
          </button>
          <span className="muted">{t('task.submitHint')}</span>
        </div>
        {actionError ? <InlineError error={actionError} /> : null}

        {runId ? (
          <div className="result-block" data-testid="run-result">
            <h3>{t('task.runResult')}</h3>
            {run.result ? (
              <SubmissionResult submission={run.result} samples={task.samples} testId="run-verdict" />
            ) : run.error ? (
              <InlineError error={run.error} />
            ) : (
              <p className="muted" role="status">{t('judge.queued')}</p>
            )}
          </div>
        ) : null}

        {shownId ? (
          <div className="result-block" data-testid="submission-detail">
            <h3>{t('task.submissionResult')}</h3>
            {shownResult ? (
              <SubmissionResult submission={shownResult} samples={task.samples} testId="submission-verdict" />
            ) : (shownId === submissionId ? submission.error : shown.error) ? (
              <InlineError error={shownId === submissionId ? submission.error : shown.error} />
            ) : (
              <p className="muted" role="status">{t('judge.queued')}</p>
            )}
          </div>
        ) : null}
      </div>

      <SubmissionList task={task} shownId={shownId} onShow={setShownId} />
    </section>
  )
}

function SaveIndicator({
  state,
  error,
  savedAt,
  onRetry,
}: {
  state: SaveState
  error: unknown
  savedAt: Date | null
  onRetry: () => void
}) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const text =
    state === 'saving' || state === 'pending'
      ? t('draft.saving')
      : state === 'saved'
        ? savedAt
          ? t('draft.savedAt', { time: fmt(savedAt.toISOString(), { timeStyle: 'medium' }) })
          : t('draft.saved')
        : state === 'error'
          ? t('draft.notSaved')
          : t('draft.untouched')
  return (
    <span className={`save-state save-state--${state}`} data-testid="draft-state" data-state={state} role="status">
      <span className="save-state__dot" aria-hidden="true" />
      {text}
      {state === 'error' ? (
        <>
          <span className="save-state__why">{describeError(error, t)}</span>
          <button type="button" className="button button--small" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </>
      ) : null}
    </span>
  )
}

function SubmissionList({
  task,
  shownId,
  onShow,
}: {
  task: AttemptTask
  shownId: string | null
  onShow: (id: string) => void
}) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const submissions = useMemo(
    () =>
      task.submissions
        .filter((s) => !s.samples_only)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at)),
    [task.submissions],
  )
  return (
    <div className="card" data-testid="submission-list">
      <div className="card__header">
        <h3>{t('task.submissions')}</h3>
        <span data-testid="best-score" data-score={task.best_score ?? ''}>
          {t('task.bestScore', {
            score: task.best_score === null ? '—' : task.best_score,
            max: task.max_score,
          })}
        </span>
      </div>
      {submissions.length === 0 ? (
        <p className="muted">{t('task.noSubmissions')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{t('task.colWhen')}</th>
                <th scope="col">{t('task.colLanguage')}</th>
                <th scope="col">{t('task.colVerdict')}</th>
                <th scope="col">{t('task.colScore')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('task.colDetails')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {submissions.map((s) => (
                <tr key={s.id} data-testid="submission-row" data-verdict={s.verdict ?? ''} data-status={s.status}>
                  <td className="cell--nowrap">
                    <time dateTime={s.created_at}>{fmt(s.created_at, { timeStyle: 'medium' })}</time>
                  </td>
                  <td>{languageName(s.language)}</td>
                  <td>{s.status === 'done' ? <VerdictTag verdict={s.verdict} /> : <span className="muted">{t('judge.judging')}</span>}</td>
                  <td className="cell--nowrap">
                    {s.score !== null ? `${s.score} / ${s.max_score ?? task.max_score}` : '—'}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button--small"
                      aria-pressed={shownId === s.id}
                      onClick={() => onShow(s.id)}
                    >
                      {t('task.show')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
