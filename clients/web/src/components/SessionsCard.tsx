import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Id, type Session } from '../api'
import { describeUserAgent, useFormatDate } from '../format'
import { useResource } from '../hooks'
import { Card, InlineError, ResourceView } from './Card'

export function SessionsCard() {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const sessions = useResource(() => api.sessions().then((r) => r.sessions))
  const [revoking, setRevoking] = useState<Id | null>(null)
  const [actionError, setActionError] = useState<unknown>(null)
  const [notice, setNotice] = useState<string | null>(null)

  async function revoke(session: Session) {
    setRevoking(session.id)
    setActionError(null)
    setNotice(null)
    try {
      await api.revokeSession(session.id)
      setNotice(t('sessions.revoked'))
      sessions.reload()
    } catch (err) {
      setActionError(err)
    } finally {
      setRevoking(null)
    }
  }

  function deviceName(s: Session): string {
    const ua = describeUserAgent(s.user_agent)
    return ua ? t('sessions.device', { browser: ua.browser, os: ua.os }) : t('sessions.unknownDevice')
  }

  return (
    <Card id="sessions" title={t('sessions.heading')} testId="sessions-card">
      {actionError ? <InlineError error={actionError} /> : null}
      <p className="notice" role="status">
        {notice}
      </p>
      <ResourceView resource={sessions}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('sessions.empty')}</p>
          ) : (
            <ul className="item-list">
              {[...list]
                .sort((a, b) => Number(b.current) - Number(a.current))
                .map((s) => {
                  const nameId = `session-${String(s.id)}-name`
                  return (
                    <li
                      key={String(s.id)}
                      className={s.current ? 'item item--current' : 'item'}
                      data-testid="session-item"
                      data-current={s.current ? 'true' : 'false'}
                    >
                      <div className="item__main">
                        <p className="item__title">
                          <span id={nameId} title={s.user_agent ?? undefined}>
                            {deviceName(s)}
                          </span>
                          {s.current ? (
                            <span className="tag tag--accent" data-testid="session-current">
                              {t('sessions.current')}
                            </span>
                          ) : null}
                        </p>
                        <p className="item__meta">
                          <span>
                            {t('sessions.signedIn')}:{' '}
                            <time dateTime={s.created_at}>{fmt(s.created_at)}</time>
                          </span>
                          <span>
                            {t('sessions.lastSeen')}:{' '}
                            <time dateTime={s.last_seen_at}>{fmt(s.last_seen_at)}</time>
                          </span>
                          {s.ip ? (
                            <span>
                              {t('sessions.ip')}: {s.ip}
                            </span>
                          ) : null}
                        </p>
                      </div>
                      {!s.current ? (
                        <button
                          type="button"
                          className="button button--small"
                          data-testid="session-revoke"
                          aria-describedby={nameId}
                          disabled={revoking !== null}
                          onClick={() => void revoke(s)}
                        >
                          {t('sessions.revoke')}
                        </button>
                      ) : null}
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
