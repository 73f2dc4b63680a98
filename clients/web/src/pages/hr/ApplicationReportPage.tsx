import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import {
  api,
  isApiError,
  isAuthor,
  percentValue,
  STAGES,
  type Answer,
  type AnswerKey,
  type PipelineChanged,
  type Report,
  type ReportSubmission,
  type Stage,
} from '../../api'
import { useAuth } from '../../auth'
import { Card, ResourceView } from '../../components/Card'
import { CodeEditor } from '../../components/CodeEditor'
import { FormError } from '../../components/Field'
import { InlineMarkdown, Markdown } from '../../components/Markdown'
import { describeError } from '../../errors'
import { detailsEntries, useFormatDate, useFormatters } from '../../format'
import { useDebouncedCallback, useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { useSocketEvent } from '../../socket'
import { languageName } from '../../screening/languages'
import { SubmissionResult } from '../../screening/SubmissionResult'
import { StageTag, VerdictTag } from '../../screening/tags'
import { NotFoundPage } from '../NotFoundPage'
import { NewRoomForm } from '../../rooms/NewRoomForm'
import { RoomStatusTag } from '../../rooms/format'

/** `/hr/applications/:id`: everything about one candidate's way through one vacancy. */
export function ApplicationReportPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const report = useResource(() => api.report(id), id)
  useDocumentTitle('title.report', report.data?.application.candidate.full_name)
  const reloadSoon = useDebouncedCallback(report.reload, 500)
  useSocketEvent<PipelineChanged>('pipeline.changed', (event) => {
    if (event?.application?.application_id === id) reloadSoon()
  })

  if (isApiError(report.error) && report.error.status === 404) return <NotFoundPage />
  return (
    <div className="page" data-testid="candidate-report">
      <ResourceView resource={report}>
        {(r) => (
          <>
            <p className="breadcrumbs">
              <Link to={`/hr/vacancies/${r.vacancy.id}`}>{t('report.back', { title: r.vacancy.title })}</Link>
            </p>
            <ReportView report={r} onChanged={report.reload} />
          </>
        )}
      </ResourceView>
    </div>
  )
}

function ReportView({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t } = useTranslation()
  const { user } = useAuth()
  const fmt = useFormatDate()
  const f = useFormatters()
  const row = report.application
  const attempt = report.attempt
  const score = percentValue(attempt?.score_percent ?? row.score_percent)
  return (
    <>
      <div className="page-head">
        <h1 data-testid="report-name">{row.candidate.full_name || row.candidate.email}</h1>
        <p className="item__meta">
          <span data-testid="report-email">{row.candidate.email}</span>
          <StageTag stage={row.stage} testId="report-stage" />
          <span>{t('report.stageSince', { time: fmt(row.stage_changed_at) })}</span>
        </p>
      </div>
      <div className="grid">
        <Card id="report-summary" title={t('report.summary')} testId="report-summary">
          {attempt ? (
            <dl className="facts">
              <div>
                <dt>{t('report.score')}</dt>
                <dd data-testid="report-score">
                  {f.percent(score)}{' '}
                  {attempt.result ? (
                    <span className={`tag tag--bare ${attempt.result.passed ? 'tag--ok' : 'tag--muted'}`}>
                      {attempt.result.passed ? t('result.passed') : t('result.notPassed')}
                    </span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>{t('report.passMark')}</dt>
                <dd>{t('vacancy.passMarkValue', { mark: report.vacancy.pass_mark })}</dd>
              </div>
              <div>
                <dt>{t('report.status')}</dt>
                <dd>{attempt.status === 'active' ? t('report.inProgress') : attempt.finish_reason === 'deadline' ? t('report.finishedDeadline') : t('report.finishedSubmitted')}</dd>
              </div>
              <div>
                <dt>{t('report.started')}</dt>
                <dd>{fmt(attempt.started_at)}</dd>
              </div>
              <div>
                <dt>{t('report.deadline')}</dt>
                <dd>{fmt(attempt.deadline)}</dd>
              </div>
              <div>
                <dt>{t('report.finished')}</dt>
                <dd>{fmt(attempt.finished_at)}</dd>
              </div>
              {attempt.result && attempt.result.pending_submissions > 0 ? (
                <div>
                  <dt>{t('report.pending')}</dt>
                  <dd>{attempt.result.pending_submissions}</dd>
                </div>
              ) : null}
            </dl>
          ) : (
            <p className="muted">{t('report.noAttempt')}</p>
          )}
          {attempt?.result ? (
            <div className="table-wrap spaced">
              <table className="table table--compact" data-testid="report-breakdown">
                <thead>
                  <tr>
                    <th scope="col">{t('result.colPart')}</th>
                    <th scope="col">{t('result.colScore')}</th>
                    <th scope="col">{t('result.colWeight')}</th>
                  </tr>
                </thead>
                <tbody>
                  {attempt.result.tasks.map((task) => (
                    <tr key={task.task_id}>
                      <th scope="row">{task.title}</th>
                      <td className="cell--nowrap">
                        {t('result.scoreOf', { score: f.number(task.score, 2), max: f.number(task.max_score, 2) })}
                      </td>
                      <td>{task.weight}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{t('result.quiz')}</th>
                    <td className="cell--nowrap">
                      {t('result.scoreOf', {
                        score: f.number(attempt.result.quiz.earned, 2),
                        max: f.number(attempt.result.quiz.max, 2),
                      })}
                    </td>
                    <td>{attempt.result.quiz.weight}</td>
                  </tr>
                </tbody>
              </table>
            </div>
          ) : null}
        </Card>

        {user && isAuthor(user.role) ? <StageForm report={report} onChanged={onChanged} /> : null}
        <SignalsCard report={report} />
        <InterviewsCard report={report} onChanged={onChanged} />

        <TasksCard report={report} />
        <QuizCard report={report} />
        <TimelineCard report={report} />
      </div>
    </>
  )
}

function StageForm({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t } = useTranslation()
  const [stage, setStage] = useState<Stage>(report.application.stage)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    setNotice(null)
    setError(null)
    if (!reason.trim()) {
      setReasonError(t('errors.required'))
      document.getElementById('stage-reason')?.focus()
      return
    }
    setReasonError(null)
    setBusy(true)
    try {
      const row = await api.changeStage(report.application.application_id, { stage, reason: reason.trim() })
      setReason('')
      setNotice(t('report.stageChanged', { stage: translateOptional('stages', row.stage) }))
      onChanged()
    } catch (err) {
      if (isApiError(err) && err.field === 'reason') setReasonError(describeError(err, t))
      else setError(describeError(err, t))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card id="stage-change" title={t('report.changeStage')} testId="stage-card">
      <p className="muted">{t('report.changeStageIntro')}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="stage-form">
        <FormError message={error} />
        <p className="notice" role="status">
          {notice}
        </p>
        <div className="field">
          <label htmlFor="stage-select">{t('report.newStage')}</label>
          <select id="stage-select" data-testid="stage-select" value={stage} onChange={(e) => setStage(e.target.value as Stage)}>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {translateOptional('stages', s)}
              </option>
            ))}
          </select>
        </div>
        <div className={reasonError ? 'field field--invalid' : 'field'}>
          <label htmlFor="stage-reason">{t('report.reason')}</label>
          <textarea
            id="stage-reason"
            data-testid="stage-reason"
            rows={3}
            required
            maxLength={2000}
            value={reason}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? 'stage-reason-error stage-reason-hint' : 'stage-reason-hint'}
            onChange={(e) => setReason(e.target.value)}
          />
          <p id="stage-reason-hint" className="field-hint">
            {t('report.reasonHint')}
          </p>
          {reasonError ? (
            <p id="stage-reason-error" className="field-error" role="alert">
              {reasonError}
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit" className="button button--primary" data-testid="stage-submit" disabled={busy} aria-busy={busy || undefined}>
            {t('report.saveStage')}
          </button>
        </div>
      </form>
    </Card>
  )
}

function TasksCard({ report }: { report: Report }) {
  const { t } = useTranslation()
  return (
    <Card id="report-tasks" title={t('report.tasks')} className="card--wide" testId="report-tasks">
      {report.tasks.length === 0 ? (
        <p className="muted">{t('report.noTasks')}</p>
      ) : (
        report.tasks.map((task) => {
          const submissions = [...task.submissions].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
          return (
            <section key={task.task_id} className="report-task" data-testid="report-task" aria-labelledby={`rt-${task.task_id}`}>
              <h3 id={`rt-${task.task_id}`}>
                {task.title} <span className="muted">{t('task.points', { count: task.max_score })}</span>
              </h3>
              {submissions.length === 0 ? (
                <p className="muted">{t('report.noSubmissions')}</p>
              ) : (
                submissions.map((s, index) => <ReportSubmissionItem key={s.id} submission={s} open={index === 0} />)
              )}
            </section>
          )
        })
      )}
    </Card>
  )
}

function ReportSubmissionItem({ submission, open }: { submission: ReportSubmission; open: boolean }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const f = useFormatters()
  const [expanded, setExpanded] = useState(open)
  return (
    <details
      className="report-submission"
      open={expanded}
      onToggle={(e) => setExpanded((e.currentTarget as HTMLDetailsElement).open)}
      data-testid="report-submission"
      data-verdict={submission.verdict ?? ''}
    >
      <summary>
        <VerdictTag verdict={submission.verdict} />
        <span>{submission.samples_only ? t('report.sampleRun') : t('report.submission')}</span>
        <span>{languageName(submission.language)}</span>
        <time dateTime={submission.created_at}>{fmt(submission.created_at, { dateStyle: 'short', timeStyle: 'medium' })}</time>
        {!submission.samples_only && submission.score !== null ? (
          <span>{t('judge.score', { score: submission.score, max: submission.max_score ?? 0 })}</span>
        ) : null}
        <span className="muted">{f.cpu(submission.cpu_ms)}</span>
        <span className="muted">{f.memory(submission.memory_kb)}</span>
      </summary>
      {expanded ? (
        <div className="report-submission__body">
          <CodeEditor
            value={submission.source}
            docKey={submission.id}
            language={submission.language}
            readOnly
            label={t('report.codeLabel', { language: languageName(submission.language) })}
            testId="report-code"
          />
          <SubmissionResult submission={submission} testId="report-verdicts" />
        </div>
      ) : null}
    </details>
  )
}

function describeAnswer(answer: Answer | null, options: string[], t: (k: string) => string): string {
  if (!answer) return t('report.noAnswer')
  if ('choice' in answer) return options[answer.choice] ?? `#${answer.choice + 1}`
  if ('choices' in answer) return answer.choices.map((c) => options[c] ?? `#${c + 1}`).join('; ') || t('report.noAnswer')
  if ('text' in answer) return answer.text || t('report.noAnswer')
  return String(answer.value)
}

function correctSet(key: AnswerKey): number[] {
  if ('correct' in key) return Array.isArray(key.correct) ? key.correct : [key.correct]
  return []
}

function QuizCard({ report }: { report: Report }) {
  const { t } = useTranslation()
  const f = useFormatters()
  if (report.quiz.length === 0) return null
  const earned = report.quiz.reduce((sum, q) => sum + (q.earned ?? 0), 0)
  const total = report.quiz.reduce((sum, q) => sum + q.points, 0)
  return (
    <Card id="report-quiz" title={t('report.quiz')} className="card--wide" testId="report-quiz">
      <p className="muted">{t('report.quizTotal', { earned: f.number(earned, 2), total })}</p>
      <ol className="quiz-list">
        {report.quiz.map((q) => {
          const picked =
            q.answer && 'choice' in q.answer ? [q.answer.choice] : q.answer && 'choices' in q.answer ? q.answer.choices : []
          const correct = correctSet(q.answer_key)
          const full = q.earned !== null && q.earned >= q.points
          return (
            <li key={q.position} className="quiz-question" data-testid="report-question" data-position={q.position} data-kind={q.kind}>
              <div className="quiz-question__head">
                <div className="quiz-question__prompt">
                  <Markdown text={q.prompt} />
                </div>
                <span className={`tag tag--bare ${full ? 'tag--ok' : q.earned ? 'tag--accent' : 'tag--muted'}`} data-testid="question-credit">
                  {t('report.credit', { earned: q.earned === null ? '—' : f.number(q.earned, 2), points: q.points })}
                </span>
              </div>
              {q.kind === 'single' || q.kind === 'multiple' ? (
                <ul className="key-options">
                  {q.options.map((option, index) => {
                    const chose = picked.includes(index)
                    const right = correct.includes(index)
                    return (
                      <li key={index} className={`key-option${right ? ' key-option--right' : ''}${chose ? ' key-option--chosen' : ''}`}>
                        <span className="key-option__marks">
                          {chose ? <span className="tag tag--bare">{t('report.picked')}</span> : null}
                          {right ? <span className="tag tag--bare tag--ok">{t('report.correct')}</span> : null}
                        </span>
                        <InlineMarkdown text={option} />
                      </li>
                    )
                  })}
                </ul>
              ) : (
                <dl className="facts facts--compact">
                  <div>
                    <dt>{t('report.answer')}</dt>
                    <dd>{describeAnswer(q.answer, q.options, t)}</dd>
                  </div>
                  <div>
                    <dt>{t('report.key')}</dt>
                    <dd>
                      {'accepted' in q.answer_key
                        ? [
                            q.answer_key.accepted.join(' | '),
                            q.answer_key.pattern ? t('report.pattern', { pattern: q.answer_key.pattern }) : '',
                            q.answer_key.case_sensitive ? t('report.caseSensitive') : '',
                          ]
                            .filter(Boolean)
                            .join(' · ')
                        : 'value' in q.answer_key
                          ? t('report.numericKey', { value: q.answer_key.value, tolerance: q.answer_key.tolerance })
                          : '—'}
                    </dd>
                  </div>
                </dl>
              )}
            </li>
          )
        })}
      </ol>
    </Card>
  )
}

function SignalsCard({ report }: { report: Report }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const f = useFormatters()
  const { note, events, similarity } = report.signals
  const titles = new Map(report.tasks.map((task) => [task.task_id, task.title]))
  return (
    <Card id="report-signals" title={t('report.signals')} testId="report-signals">
      <div className="callout" data-testid="signals-note">
        <p>{note || t('report.signalsNoteFallback')}</p>
      </div>
      <h3>{t('report.events', { count: events.length })}</h3>
      {events.length === 0 ? (
        <p className="muted">{t('report.noEvents')}</p>
      ) : (
        <div className="table-wrap table-wrap--scroll">
          <table className="table table--compact" data-testid="signals-table">
            <thead>
              <tr>
                <th scope="col">{t('report.colTime')}</th>
                <th scope="col">{t('report.colEvent')}</th>
                <th scope="col">{t('report.colDetails')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e, index) => (
                <tr key={index} data-testid="signal-row" data-kind={e.kind}>
                  <td className="cell--nowrap">
                    <time dateTime={e.at}>{fmt(e.at, { dateStyle: 'short', timeStyle: 'medium' })}</time>
                  </td>
                  <td>{translateOptional('integrityKinds', e.kind)}</td>
                  <td className="details">
                    {detailsEntries(e.details).map(([k, v]) => (
                      <span key={k}>
                        <span className="details__key">{k}</span> {v}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="spaced">{t('report.similarity')}</h3>
      {similarity.length === 0 ? (
        <p className="muted">{t('report.noSimilarity')}</p>
      ) : (
        <ul className="item-list" data-testid="similarity-list">
          {similarity.map((s) => (
            <li key={`${s.task_id}-${s.other_submission_id}`} className="item" data-testid="similarity-item">
              <div className="item__main">
                <p className="item__title">{titles.get(s.task_id) ?? s.task_id}</p>
                <p className="item__meta">{t('report.similarTo', { name: s.other_candidate.full_name })}</p>
              </div>
              <span className="tag tag--bare tag--neutral">{f.share(s.similarity)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}

function TimelineCard({ report }: { report: Report }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const items = [...report.timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  return (
    <Card id="report-timeline" title={t('report.timeline')} className="card--wide" testId="report-timeline">
      {items.length === 0 ? (
        <p className="muted">{t('report.noTimeline')}</p>
      ) : (
        <ol className="timeline timeline--tall">
          {items.map((item, index) => (
            <li key={index} className="timeline__item" data-testid="timeline-item" data-kind={item.kind}>
              <p className="timeline__title">{item.text}</p>
              <p className="item__meta">
                <time dateTime={item.at}>{fmt(item.at, { dateStyle: 'short', timeStyle: 'medium' })}</time>
                <span>{translateOptional('timelineKinds', item.kind)}</span>
              </p>
            </li>
          ))}
        </ol>
      )}
    </Card>
  )
}

/** The candidate's interview rooms, and a new one for this application ("interview scheduled"). */
function InterviewsCard({ report, onChanged }: { report: Report; onChanged: () => void }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const applicationId = report.application.application_id
  const rooms = useResource(() => api.rooms().then((r) => r.rooms.filter((room) => room.application_id === applicationId)), applicationId)
  const [open, setOpen] = useState(false)
  const name = report.application.candidate.full_name || report.application.candidate.email
  return (
    <Card
      id="report-interviews"
      title={t('rooms.interviewsHeading')}
      testId="report-interviews"
      actions={
        <button
          type="button"
          className={open ? 'button button--small' : 'button button--small button--primary'}
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          data-testid="schedule-interview"
        >
          {open ? t('common.cancel') : t('rooms.scheduleInterview')}
        </button>
      }
    >
      {open ? (
        <NewRoomForm
          id="schedule-room"
          testId="schedule-room-form"
          applicationId={applicationId}
          defaultTitle={t('rooms.interviewTitle', { name, vacancy: report.vacancy.title })}
          schedule
          onCreated={() => {
            rooms.reload()
            onChanged()
          }}
        />
      ) : null}
      <ResourceView resource={rooms}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('rooms.noInterviews')}</p>
          ) : (
            <ul className="item-list" data-testid="report-rooms">
              {list.map((room) => (
                <li key={room.id} className="item" data-testid="report-room" data-room-id={room.id}>
                  <Link to={`/rooms/${room.id}`}>{room.title}</Link>{' '}
                  <RoomStatusTag status={room.status} />{' '}
                  <span className="muted">
                    {fmt(room.status === 'scheduled' ? room.scheduled_at : (room.ended_at ?? room.started_at))}
                  </span>{' '}
                  {room.status !== 'scheduled' ? <Link to={`/rooms/${room.id}/replay`}>{t('rooms.replay')}</Link> : null}
                </li>
              ))}
            </ul>
          )
        }
      </ResourceView>
    </Card>
  )
}
