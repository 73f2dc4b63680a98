import { useTranslation } from 'react-i18next'
import type { Room, RoomRole } from '../api'
import { userColor } from './collab'
import { useFormatDuration, useNow, useRoomRoleName } from './format'

interface Person {
  user_id: string
  full_name: string
  role: RoomRole | null
  since: string | null
  tabs: number
}

/** Everyone in the room (seated participants and staff who came in), connected ones first. */
export function people(room: Room): Person[] {
  const out = new Map<string, Person>()
  for (const p of room.participants) {
    out.set(p.user_id, { user_id: p.user_id, full_name: p.full_name, role: p.role, since: null, tabs: 0 })
  }
  for (const p of room.presence) {
    const known = out.get(p.user_id)
    out.set(p.user_id, {
      user_id: p.user_id,
      full_name: p.full_name,
      role: known?.role ?? null,
      since: p.since,
      tabs: p.tabs,
    })
  }
  return [...out.values()].sort((a, b) => Number(b.since !== null) - Number(a.since !== null))
}

export function PresenceList({ room, meId }: { room: Room; meId: string }) {
  const { t } = useTranslation()
  const now = useNow()
  const duration = useFormatDuration()
  const roleName = useRoomRoleName()
  // one's own role is known even when one isn't a seated participant (staff who came in)
  const list = people(room).map((p) => (p.user_id === meId && p.role === null ? { ...p, role: room.my_role } : p))
  return (
    <section className="card presence" aria-labelledby="presence-heading">
      <div className="card__header">
        <h2 id="presence-heading">{t('rooms.peopleHeading')}</h2>
        <span className="muted">{t('rooms.connectedCount', { count: room.presence.length })}</span>
      </div>
      <ul className="presence__list" data-testid="presence-list">
        {list.map((p) => {
          const online = p.since !== null
          return (
            <li
              key={p.user_id}
              className={online ? 'presence__item presence__item--online' : 'presence__item'}
              data-testid="presence-item"
              data-user-id={p.user_id}
              data-online={online ? 'true' : 'false'}
              data-role={p.role ?? ''}
            >
              <span className="presence__swatch" style={{ backgroundColor: userColor(p.user_id) }} aria-hidden="true" />
              <span className="presence__name">
                {p.full_name}
                {p.user_id === meId ? <span className="muted"> {t('rooms.you')}</span> : null}
              </span>
              <span className="presence__role muted">{roleName(p.role)}</span>
              <span className="presence__since">
                {online && p.since ? (
                  <>
                    <span className="presence-dot" aria-hidden="true" />
                    {t('rooms.onlineFor', { time: duration(now - Date.parse(p.since)) })}
                    {p.tabs > 1 ? <span className="muted"> · {t('rooms.tabs', { count: p.tabs })}</span> : null}
                  </>
                ) : (
                  <span className="muted">{t('rooms.offline')}</span>
                )}
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
