import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type MyRoom } from '../api'
import { useFormatDate } from '../format'
import { useResource } from '../hooks'
import { RoomStatusTag } from '../rooms/format'
import { Card, ResourceView } from './Card'

/**
 * The interview rooms one has a seat in (`GET /me/rooms`): the way back into an interview
 * without the invite link. The server sends the live ones first, then the upcoming, then the
 * ended, which stay listed (read-only) but say so.
 */
export function InterviewsCard({ forStaff = false }: { forStaff?: boolean }) {
  const { t } = useTranslation()
  const rooms = useResource(() => api.myRooms().then((r) => r.rooms))
  return (
    <Card id="interviews" title={t('interviews.heading')} testId="interviews-card">
      <ResourceView resource={rooms}>
        {(list) =>
          list.length === 0 ? (
            <div className="empty-state">
              <p className="empty-state__title">{t('interviews.none')}</p>
              <p>{forStaff ? t('interviews.howToStaff') : t('interviews.howTo')}</p>
            </div>
          ) : (
            <ul className="item-list">
              {list.map((room) => (
                <InterviewItem key={room.id} room={room} />
              ))}
            </ul>
          )
        }
      </ResourceView>
    </Card>
  )
}

function InterviewItem({ room }: { room: MyRoom }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const when =
    room.status === 'ended'
      ? t('interviews.endedAt', { time: fmt(room.ended_at) })
      : room.status === 'scheduled'
        ? t('rooms.scheduledFor', { time: fmt(room.scheduled_at) })
        : t('interviews.startedAt', { time: fmt(room.started_at) })
  const tone = room.status === 'open' ? ' item--current' : room.status === 'ended' ? ' item--ended' : ''
  return (
    <li className={`item${tone}`} data-testid="interview-item" data-room-id={room.id} data-status={room.status}>
      <div className="item__main">
        <p className="item__title">
          <Link to={`/rooms/${room.id}`}>{room.title}</Link>
        </p>
        <p className="item__meta">
          <span data-testid="interview-organisation">{room.organisation.name}</span>
          {room.task ? <span>{t('rooms.withTask', { title: room.task.title })}</span> : null}
          <span>{when}</span>
        </p>
      </div>
      <RoomStatusTag status={room.status} />
      <Link
        to={`/rooms/${room.id}`}
        className={room.status === 'ended' ? 'button button--small' : 'button button--small button--primary'}
        data-testid="interview-open"
      >
        {room.status === 'ended' ? t('interviews.view') : t('interviews.open')}
      </Link>
    </li>
  )
}
