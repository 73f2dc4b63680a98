import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { api, isApiError } from '../../api'
import { useAuth } from '../../auth'
import { describeError } from '../../errors'
import { useDocumentTitle } from '../../hooks'

/**
 * `/rooms/:id/join?invite=…`: the candidate's link. Signed in, it takes the candidate's seat
 * (`POST /rooms/:id/join`) and opens the room; otherwise it asks to sign in or register and
 * comes back here after that.
 */
export function RoomJoinPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const [params] = useSearchParams()
  const invite = params.get('invite') ?? ''
  const { status, user, handleUnauthenticated } = useAuth()
  const location = useLocation()
  const navigate = useNavigate()
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  const sent = useRef<string | null>(null)
  useDocumentTitle('title.roomJoin')

  const signedIn = status === 'authenticated' && user !== null
  useEffect(() => {
    if (!signedIn || !invite) return
    const key = `${id}:${invite}:${attempt}`
    if (sent.current === key) return
    sent.current = key
    setError(null)
    api.joinRoom(id, invite).then(
      () => navigate(`/rooms/${id}`, { replace: true }),
      (err: unknown) => {
        if (isApiError(err) && err.status === 401) handleUnauthenticated()
        setError(err)
      },
    )
  }, [signedIn, id, invite, attempt, navigate, handleUnauthenticated])

  const from = { from: location.pathname + location.search }

  if (!invite) {
    return (
      <JoinState testId="join-error" title={t('rooms.joinBadLinkTitle')}>
        <p>{t('rooms.joinBadLink')}</p>
      </JoinState>
    )
  }

  if (status === 'loading') {
    return (
      <JoinState testId="join-pending" title={t('rooms.joinTitle')}>
        <p role="status">{t('common.loading')}</p>
      </JoinState>
    )
  }

  if (!signedIn) {
    return (
      <JoinState testId="join-sign-in" title={t('rooms.joinTitle')}>
        <p>{t('rooms.joinSignIn')}</p>
        <div className="form__actions">
          <Link to="/login" state={from} className="button button--primary" data-testid="join-login">
            {t('rooms.joinLogin')}
          </Link>
          <Link to="/register" state={from} className="button" data-testid="join-register">
            {t('rooms.joinRegister')}
          </Link>
        </div>
      </JoinState>
    )
  }

  if (error) {
    const code = isApiError(error) ? error.code : ''
    const text =
      code === 'seat_taken'
        ? t('rooms.joinSeatTaken')
        : code === 'room_ended'
          ? t('rooms.joinEnded')
          : code === 'not_found'
            ? t('rooms.joinNotFound')
            : code === 'forbidden'
              ? t('rooms.joinForbidden')
              : describeError(error, t)
    return (
      <JoinState testId="join-error" title={t('rooms.joinFailedTitle')}>
        <p role="alert" data-code={code}>
          {text}
        </p>
        {isApiError(error) && error.isNetworkOrServer ? (
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('common.retry')}
          </button>
        ) : (
          <Link to="/" className="button">
            {t('notFound.home')}
          </Link>
        )}
      </JoinState>
    )
  }

  return (
    <JoinState testId="join-pending" title={t('rooms.joinTitle')}>
      <p role="status">
        <span className="spinner spinner--small" aria-hidden="true" /> {t('rooms.joining')}
      </p>
    </JoinState>
  )
}

function JoinState({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="page-state" aria-labelledby="join-heading" data-testid={testId}>
      <h1 id="join-heading">{title}</h1>
      {children}
    </section>
  )
}
