import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import { io, type Socket } from 'socket.io-client'
import { useAuth } from './auth'

export type SocketState = 'connected' | 'connecting' | 'disconnected'

/** Payload of the server's `session` event, sent right after a connection is accepted. */
export interface SessionEvent {
  user_id: string
  role: string
  node: string
}

interface SocketContextValue {
  state: SocketState
  /** Name of the server node we are connected to (from the `session` event). */
  node: string | null
  /** The live socket while signed in, for features that come later. */
  socket: Socket | null
}

/** Delay before reconnecting after the server refused the connection. */
const RETRY_AFTER_REFUSAL_MS = 15_000

const SocketContext = createContext<SocketContextValue>({
  state: 'disconnected',
  node: null,
  socket: null,
})

/**
 * Holds one Socket.IO connection while a user is signed in; disconnects on
 * sign-out. Reconnection is left to socket.io-client's built-in backoff.
 */
export function SocketProvider({ children }: { children: ReactNode }) {
  const { user, refresh } = useAuth()
  const userId = user?.id ?? null
  const [value, setValue] = useState<SocketContextValue>({
    state: 'disconnected',
    node: null,
    socket: null,
  })

  useEffect(() => {
    if (!userId) {
      setValue({ state: 'disconnected', node: null, socket: null })
      return
    }

    const socket = io({
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket', 'polling'],
    })
    setValue({ state: 'connecting', node: null, socket })

    const set = (state: SocketState, node?: string | null) =>
      setValue((prev) => ({
        socket,
        state,
        node: node === undefined ? prev.node : node,
      }))

    socket.on('connect', () => set('connected'))
    socket.on('session', (payload: Partial<SessionEvent> | undefined) => {
      const node = typeof payload?.node === 'string' ? payload.node : null
      set('connected', node)
    })
    socket.on('disconnect', () => {
      // socket.active: the client will try again by itself.
      set(socket.active ? 'connecting' : 'disconnected', null)
    })
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    socket.on('connect_error', (err: Error) => {
      set(socket.active ? 'connecting' : 'disconnected', null)
      // Refused as anonymous: the session cookie expired or was revoked.
      // Ask the server who we are; a 401 there signs the user out (and this
      // effect is cleaned up). If we are still signed in, try again later.
      if (err.message === 'not_authenticated') void refresh()
      if (!socket.active) {
        clearTimeout(retryTimer)
        retryTimer = setTimeout(() => {
          set('connecting')
          socket.connect()
        }, RETRY_AFTER_REFUSAL_MS)
      }
    })
    socket.io.on('reconnect_attempt', () => set('connecting'))
    socket.io.on('reconnect_failed', () => set('disconnected', null))

    return () => {
      clearTimeout(retryTimer)
      socket.removeAllListeners()
      socket.io.removeAllListeners()
      socket.disconnect()
    }
  }, [userId, refresh])

  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>
}

export function useSocket(): SocketContextValue {
  return useContext(SocketContext)
}

/**
 * Call `handler` for every `event` the server pushes while mounted. The handler may change
 * between renders without re-subscribing.
 */
export function useSocketEvent<T>(event: string, handler: (payload: T) => void): void {
  const { socket } = useSocket()
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    if (!socket) return
    const listener = (payload: T) => latest.current(payload)
    socket.on(event, listener)
    return () => {
      socket.off(event, listener)
    }
  }, [socket, event])
}

/** Call `handler` whenever the live connection (re)connects: time to catch up on missed events. */
export function useSocketConnected(handler: () => void): void {
  const { socket } = useSocket()
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    if (!socket) return
    const listener = () => latest.current()
    socket.on('connect', listener)
    return () => {
      socket.off('connect', listener)
    }
  }, [socket])
}
