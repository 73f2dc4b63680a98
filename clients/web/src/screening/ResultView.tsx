import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { percentValue, type Attempt } from '../api'
import { useFormatDate, useFormatters } from '../format'

/** A finished attempt: the total against the pass mark, and how each part scored. */
export function ResultView({ attempt }: { attempt: Attempt }) {
  const { t } = useTranslation()
  const f = useFormatters()
  const fmt = useFormatDate()
  const result = attempt.result

  if (!result) {
    return (
      <section className="card result" data-testid="attempt-result" data-state="waiting" aria-labelledby="result-title">
        <h2 id="result-title">{t('result.heading')}</h2>
        <p role="status" className="judge-result__pending">
          <span className="spinner spinner--small" aria-hidden="true" />
          {t('result.computing')}
        </p>
      </section>
    )
  }

  const total = percentValue(result.score_percent)
  return (
    <section
      className="card result"
      data-testid="attempt-result"
      data-state="ready"
      data-passed={result.passed ? 'true' : 'false'}
      aria-labelledby="result-title"
    >
      <h2 id="result-title">{t('result.heading')}</h2>
      <div className={`result-total ${result.passed ? 'result-total--passed' : 'result-total--failed'}`}>
        <p className="result-total__value" data-testid="result-total" data-score={total ?? ''}>
          {f.percent(total)}
        </p>
        <div>
          <p className="result-total__verdict" data-testid="result-passed" data-passed={result.passed ? 'true' : 'false'}>
            {result.passed ? t('result.passed') : t('result.notPassed')}
          </p>
          <p className="muted">{t('result.passMark', { mark: result.pass_mark })}</p>
        </div>
      </div>
      {result.pending_submissions > 0 ? (
        <p className="callout" role="status" data-testid="result-pending" data-count={result.pending_submissions}>
          <span className="spinner spinner--small" aria-hidden="true" />
          {t('result.pending', { count: result.pending_submissions })}
        </p>
      ) : null}
      <p className="muted">
        {attempt.finish_reason === 'deadline' ? t('result.byDeadline') : t('result.bySubmit')}{' '}
        {attempt.finished_at ? (
          <time dateTime={attempt.finished_at}>{fmt(attempt.finished_at)}</time>
        ) : null}
      </p>

      <div className="table-wrap">
        <table className="table" data-testid="result-table">
          <thead>
            <tr>
              <th scope="col">{t('result.colPart')}</th>
              <th scope="col">{t('result.colScore')}</th>
              <th scope="col">{t('result.colWeight')}</th>
            </tr>
          </thead>
          <tbody>
            {result.tasks.map((task) => (
              <tr key={task.task_id} data-testid="result-task" data-task-id={task.task_id}>
                <th scope="row">{task.title}</th>
                <td className="cell--nowrap" data-testid="result-task-score">
                  {t('result.scoreOf', { score: f.number(task.score, 2), max: f.number(task.max_score, 2) })}
                </td>
                <td>{task.weight}</td>
              </tr>
            ))}
            {result.quiz.max > 0 || result.quiz.weight > 0 ? (
              <tr data-testid="result-quiz">
                <th scope="row">{t('result.quiz')}</th>
                <td className="cell--nowrap" data-testid="result-quiz-score">
                  {t('result.scoreOf', { score: f.number(result.quiz.earned, 2), max: f.number(result.quiz.max, 2) })}
                </td>
                <td>{result.quiz.weight}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <p className="muted">{t('result.whatNext')}</p>
      <p>
        <Link to="/">{t('result.backHome')}</Link>
      </p>
    </section>
  )
}
