import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, percentValue, type AttemptSummary } from '../api'
import { useFormatDate, useFormatters } from '../format'
import { useResource } from '../hooks'
import { useSocketEvent } from '../socket'
import { Card, ResourceView } from './Card'

function organisationName(attempt: AttemptSummary): string {
  const org = attempt.vacancy.organisation
  if (!org) return ''
  return typeof org === 'string' ? org : org.name
}

/** The candidate's attempts (`GET /attempts`), newest first, each linking to its page. */
export function AssessmentsCard() {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const f = useFormatters()
  const attempts = useResource(() =>
    api
      .attempts()
      .then((r) => [...r.attempts].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at))),
  )
  useSocketEvent('attempt.finished', attempts.reload)
  useSocketEvent('attempt.scored', attempts.reload)

  return (
    <Card
      id="assessments"
      title={t('assessments.heading')}
      testId="assessments-card"
      actions={
        <Link to="/vacancies" className="button button--small" data-testid="home-board-link">
          {t('assessments.browse')}
        </Link>
      }
    >
      <ResourceView resource={attempts}>
        {(list) =>
          list.length === 0 ? (
            <div className="empty-state">
              <p className="empty-state__title">{t('assessments.none')}</p>
              <p>{t('assessments.howTo')}</p>
              <Link to="/vacancies">{t('assessments.openBoard')}</Link>
            </div>
          ) : (
            <ul className="item-list">
              {list.map((a) => {
                const score = percentValue(a.score_percent)
                return (
                  <li key={a.id} className="item" data-testid="attempt-item" data-status={a.status}>
                    <div className="item__main">
                      <p className="item__title">
                        <Link to={`/attempts/${a.id}`}>{a.vacancy.title}</Link>
                      </p>
                      <p className="item__meta">
                        <span>{organisationName(a)}</span>
                        <span>
                          {a.status === 'active'
                            ? t('assessments.until', { time: fmt(a.deadline) })
                            : t('assessments.finishedAt', { time: fmt(a.finished_at) })}
                        </span>
                      </p>
                    </div>
                    {a.status === 'active' ? (
                      <span className="tag tag--bare tag--accent">{t('assessments.active')}</span>
                    ) : (
                      <span className="item__score">
                        <span data-testid="attempt-item-score">{f.percent(score)}</span>
                        {a.passed === null ? null : (
                          <span className={`tag tag--bare ${a.passed ? 'tag--ok' : 'tag--muted'}`}>
                            {a.passed ? t('result.passed') : t('result.notPassed')}
                          </span>
                        )}
                      </span>
                    )}
                  </li>
                )
              })}
            </ul>
          )
        }
      </ResourceView>
    </Card>
  )
}
