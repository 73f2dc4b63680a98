import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { detailsEntries, useFormatDate } from '../format'
import { useResource } from '../hooks'
import { translateOptional } from '../i18n'
import { Card, ResourceView } from './Card'

export function ActivityCard({ refreshKey = '' }: { refreshKey?: string }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const activity = useResource(() => api.activity().then((r) => r.events), refreshKey)

  return (
    <Card id="activity" title={t('activity.heading')} testId="activity-card">
      <ResourceView resource={activity}>
        {(events) =>
          events.length === 0 ? (
            <p className="muted">{t('activity.empty')}</p>
          ) : (
            <ol className="timeline">
              {events.map((e) => {
                const details = detailsEntries(e.details)
                return (
                  <li key={String(e.id)} className="timeline__item" data-testid="activity-item" data-action={e.action}>
                    <p className="timeline__title">{translateOptional('actions', e.action)}</p>
                    <p className="item__meta">
                      <time dateTime={e.at}>{fmt(e.at)}</time>
                      {e.ip ? <span>{t('activity.ip', { ip: e.ip })}</span> : null}
                    </p>
                    {details.length ? (
                      <p className="details">
                        {details.map(([k, v]) => (
                          <span key={k}>
                            <span className="details__key">{k}</span> {v}
                          </span>
                        ))}
                      </p>
                    ) : null}
                  </li>
                )
              })}
            </ol>
          )
        }
      </ResourceView>
    </Card>
  )
}
