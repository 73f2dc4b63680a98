import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type Presence, type RoomView } from '../../api'
import { ResourceView } from '../../components/Card'
import { useFormatDate } from '../../format'
import { useDebouncedCallback, useResource } from '../../hooks'
import { useSocketConnected, useSocketEvent } from '../../socket'
import { RoomStatusTag, useFormatDuration, useNow } from '../../rooms/format'
import { NewRoomForm } from '../../rooms/NewRoomForm'

/** How often the list asks again who is connected (presence events reach room pages only). */
const REFRESH_MS = 10_000

/** `/hr`'s "Rooms": the organisation's interview rooms with who is in them now, and a new instant room. */
export function RoomsSection() {
  const { t } = useTranslation()
  const rooms = useResource(() => api.rooms().then((r) => r.rooms))
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState(false)
  const { reload } = rooms
  const reloadSoon = useDebouncedCallback(reload, 500)

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload()
    }, REFRESH_MS)
    return () => window.clearInterval(timer)
  }, [reload])
  useSocketConnected(reloadSoon)
  useSocketEvent<{ room_id: string }>('room.presence', reloadSoon)
  useSocketEvent<{ id: string }>('room.changed', reloadSoon)

  return (
    <section className="rooms-section" aria-labelledby="rooms-heading" data-testid="rooms-section">
      <div className="section-head">
        <h2 id="rooms-heading">{t('rooms.heading')}</h2>
        <button
          type="button"
          className={creating ? 'button' : 'button button--primary'}
          aria-expanded={creating}
          aria-controls="new-room-panel"
          onClick={() => {
            setCreating((c) => !c)
            setCreated(false)
          }}
          data-testid="new-room"
        >
          {creating ? (created ? t('rooms.close') : t('common.cancel')) : t('rooms.newInstant')}
        </button>
      </div>
      {creating ? (
        <div className="card" id="new-room-panel" data-testid="new-room-panel">
          <div className="card__header">
            <h3>{t('rooms.newInstantHeading')}</h3>
          </div>
          <p className="muted">{t('rooms.newInstantIntro')}</p>
          <NewRoomForm id="new-room" testId="new-room-form" onCreated={() => {
              setCreated(true)
              reload()
            }}
          />
        </div>
      ) : null}
      <ResourceView resource={rooms}>
        {(list) =>
          list.length === 0 ? (
            <div className="empty-state">
              <p className="empty-state__title">{t('rooms.none')}</p>
              <p>{t('rooms.noneHint')}</p>
            </div>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="rooms-table">
                <thead>
                  <tr>
                    <th scope="col">{t('rooms.colRoom')}</th>
                    <th scope="col">{t('rooms.colStatus')}</th>
                    <th scope="col">{t('rooms.colCandidate')}</th>
                    <th scope="col">{t('rooms.colConnected')}</th>
                    <th scope="col">{t('rooms.colWhen')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('rooms.colActions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((room) => (
                    <RoomRow key={room.id} room={room} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
    </section>
  )
}

function RoomRow({ room }: { room: RoomView }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const candidate = room.participants.find((p) => p.role === 'candidate')
  const when = room.status === 'scheduled' ? room.scheduled_at : (room.started_at ?? room.scheduled_at)
  return (
    <tr data-testid="room-row" data-room-id={room.id} data-status={room.status}>
      <th scope="row" className="cell--name">
        <Link to={`/rooms/${room.id}`}>{room.title}</Link>
        {room.task ? <p className="cell-note">{t('rooms.withTask', { title: room.task.title })}</p> : null}
      </th>
      <td>
        <RoomStatusTag status={room.status} />
      </td>
      <td>{candidate ? candidate.full_name : <span className="muted">{t('rooms.notJoined')}</span>}</td>
      <td>
        <PresenceSummary presence={room.presence} />
      </td>
      <td className="cell--nowrap">
        {when ? <time dateTime={when}>{fmt(when, { dateStyle: 'medium', timeStyle: 'short' })}</time> : '—'}
      </td>
      <td className="cell--nowrap">
        <Link to={`/rooms/${room.id}`} className="button button--small">
          {room.status === 'ended' ? t('rooms.view') : t('rooms.enter')}
        </Link>{' '}
        {room.status !== 'scheduled' ? (
          <Link to={`/rooms/${room.id}/replay`} className="button button--small" data-testid="room-replay-link">
            {t('rooms.replay')}
          </Link>
        ) : null}
      </td>
    </tr>
  )
}

/** "Ann · 12 min, Bob · 40 s", or "nobody". */
function PresenceSummary({ presence }: { presence: Presence[] }) {
  const { t } = useTranslation()
  const now = useNow()
  const duration = useFormatDuration()
  if (presence.length === 0) return <span className="muted">{t('rooms.nobody')}</span>
  return (
    <ul className="presence-inline" data-testid="room-presence">
      {presence.map((p) => (
        <li key={p.user_id} data-user-id={p.user_id}>
          <span className="presence-dot" aria-hidden="true" />
          {t('rooms.connectedFor', { name: p.full_name, time: duration(now - Date.parse(p.since)) })}
        </li>
      ))}
    </ul>
  )
}
