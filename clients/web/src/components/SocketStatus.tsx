import { useTranslation } from 'react-i18next'
import { useAuth } from '../auth'
import { useSocket } from '../socket'

export function SocketStatus() {
  const { t } = useTranslation()
  const { user } = useAuth()
  const { state, node } = useSocket()

  const label =
    state === 'connected'
      ? t('socket.connected')
      : state === 'connecting'
        ? t('socket.connecting')
        : t('socket.disconnected')

  const title =
    state === 'connected'
      ? node
        ? t('socket.connectedTo', { node })
        : t('socket.connectedTitle')
      : state === 'connecting'
        ? t('socket.connectingTitle')
        : user
          ? t('socket.disconnectedTitle')
          : t('socket.anonymousTitle')

  return (
    <div
      className={`socket-state socket-state--${state}`}
      role="status"
      data-testid="socket-state"
      data-state={state}
      data-node={node ?? undefined}
      title={title}
    >
      <span className="socket-dot" aria-hidden="true" />
      <span className="socket-label">{label}</span>
    </div>
  )
}
