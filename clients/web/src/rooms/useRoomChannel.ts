import { useEffect, useState } from 'react'
import type { RoomRole } from '../api'
import { useSocket } from '../socket'

/**
 * Being in a room's live channel: `entering` until the server's ack, `entered` (with one's
 * role), `refused` (with the server's error code), `offline` without a live connection.
 */
export type ChannelState =
  | { state: 'offline' }
  | { state: 'entering' }
  | { state: 'entered'; role: RoomRole }
  | { state: 'refused'; code: string; message: string }

const ACK_TIMEOUT_MS = 10_000

interface EnterAck {
  ok?: boolean
  role?: RoomRole
  error?: { code?: string; message?: string }
}

/**
 * Enter the room's Socket.IO channel (`room.enter {room_id}` with an ack) on every (re)connect
 * while mounted, and leave it (`room.leave`) when unmounted. The room's events (presence,
 * changes, chat, runs and, for staff, notes) come to this connection only once entered.
 */
export function useRoomChannel(roomId: string | null): ChannelState {
  const { socket } = useSocket()
  const [channel, setChannel] = useState<ChannelState>({ state: 'offline' })

  useEffect(() => {
    if (!socket || !roomId) {
      setChannel({ state: 'offline' })
      return
    }
    let active = true
    const enter = () => {
      setChannel({ state: 'entering' })
      socket.timeout(ACK_TIMEOUT_MS).emit('room.enter', { room_id: roomId }, (err: Error | null, ack: EnterAck) => {
        if (!active) return
        if (err) {
          // no answer in time: try again on the next connection, or now if still connected
          setChannel({ state: 'refused', code: 'timeout', message: err.message })
          if (socket.connected) window.setTimeout(() => active && socket.connected && enter(), 3_000)
          return
        }
        if (ack?.ok && ack.role) setChannel({ state: 'entered', role: ack.role })
        else
          setChannel({
            state: 'refused',
            code: ack?.error?.code ?? 'unknown',
            message: ack?.error?.message ?? '',
          })
      })
    }
    const lost = () => active && setChannel({ state: 'offline' })
    if (socket.connected) enter()
    socket.on('connect', enter)
    socket.on('disconnect', lost)
    return () => {
      active = false
      socket.off('connect', enter)
      socket.off('disconnect', lost)
      if (socket.connected) socket.emit('room.leave', { room_id: roomId })
    }
  }, [socket, roomId])

  return channel
}
