import { useTranslation } from 'react-i18next'
import type { AuditEvent } from '../api'
import { detailsEntries, displayValue, useFormatDate } from '../format'
import type { Resource } from '../hooks'
import { translateOptional } from '../i18n'
import { Card, ResourceView } from './Card'

export const AUDIT_LIMIT = 50

export function AuditCard({ resource }: { resource: Resource<AuditEvent[]> }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  return (
    <Card
      id="audit"
      title={t('audit.heading')}
      testId="audit-card"
      className="card--wide"
      actions={
        <button type="button" className="button button--small" onClick={resource.reload} disabled={resource.loading}>
          {t('common.refresh')}
        </button>
      }
    >
      <p className="muted">{t('audit.intro', { limit: AUDIT_LIMIT })}</p>
      <ResourceView resource={resource}>
        {(events) =>
          events.length === 0 ? (
            <p className="muted">{t('audit.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table table--compact" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.colTime')}</th>
                    <th scope="col">{t('audit.colActor')}</th>
                    <th scope="col">{t('audit.colAction')}</th>
                    <th scope="col">{t('audit.colTarget')}</th>
                    <th scope="col">{t('audit.colIp')}</th>
                    <th scope="col">{t('audit.colDetails')}</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((e) => (
                    <tr key={String(e.id)} data-testid="audit-row" data-action={e.action}>
                      <td className="cell--nowrap">
                        <time dateTime={e.at}>{fmt(e.at)}</time>
                      </td>
                      <td className="cell--break">{e.actor ? e.actor.email : t('audit.system')}</td>
                      <td>
                        <span title={e.action}>{translateOptional('actions', e.action)}</span>
                      </td>
                      <td className="cell--break">{displayValue(e.target)}</td>
                      <td className="cell--nowrap">{e.ip ?? '—'}</td>
                      <td className="cell--break details">
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
          )
        }
      </ResourceView>
    </Card>
  )
}
