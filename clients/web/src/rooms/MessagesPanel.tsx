import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { api, isApiError, type RoomMessage } from '../api'
import { useAuth } from '../auth'
import { InlineError } from '../components/Card'
import { describeError } from '../errors'
import { useFormatDate } from '../format'
import { useSocketConnected, useSocketEvent } from '../socket'

export type MessageKind = 'chat' | 'note'

function merge(list: RoomMessage[], more: RoomMessage[]): RoomMessage[] {
  const byId = new Map(list.map((m) => [m.id, m]))
  for (const m of more) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

/**
 * A room's chat (`GET /messages`, `room.chat`) or the interviewers' notes (`GET /notes`,
 * `room.note`): loaded when `enabled` (and again after a reconnect), appended live. With
 * `enabled` false nothing is ever requested: the candidate's page never asks for notes.
 */
export function useRoomMessages(roomId: string, kind: MessageKind, enabled: boolean) {
  const { handleUnauthenticated } = useAuth()
  const [messages, setMessages] = useState<RoomMessage[] | null>(null)
  const [error, setError] = useState<unknown>(null)

  const load = useCallback(async () => {
    if (!enabled) return
    try {
      const { messages: loaded } = kind === 'chat' ? await api.roomMessages(roomId) : await api.roomNotes(roomId)
      setMessages((current) => merge(current ?? [], loaded))
      setError(null)
    } catch (err) {
      if (isApiError(err) && err.status === 401) handleUnauthenticated()
      setError(err)
    }
  }, [roomId, kind, enabled, handleUnauthenticated])

  useEffect(() => {
    setMessages(null)
    void load()
  }, [load])
  useSocketConnected(() => void load())
  useSocketEvent<RoomMessage & { room_id: string }>(kind === 'chat' ? 'room.chat' : 'room.note', (event) => {
    if (!enabled || event?.room_id !== roomId) return
    const { room_id: _room, ...message } = event
    void _room
    setMessages((current) => merge(current ?? [], [message]))
  })

  const add = useCallback((message: RoomMessage) => setMessages((current) => merge(current ?? [], [message])), [])
  return { messages, error, reload: load, add }
}

interface MessagesPanelProps {
  roomId: string
  kind: MessageKind
  state: ReturnType<typeof useRoomMessages>
  canPost: boolean
  /** Shown instead of the form when one may not write. */
  readOnlyNote?: string
}

export function MessagesPanel({ roomId, kind, state, canPost, readOnlyNote }: MessagesPanelProps) {
  const { t } = useTranslation()
  const { user } = useAuth()
  const fmt = useFormatDate()
  const [draft, setDraft] = useState('')
  const [sending, setSending] = useState(false)
  const [sendError, setSendError] = useState<unknown>(null)
  const list = useRef<HTMLOListElement>(null)
  const chat = kind === 'chat'
  const prefix = chat ? 'chat' : 'note'
  const count = state.messages?.length ?? 0

  useEffect(() => {
    const el = list.current
    if (el) el.scrollTop = el.scrollHeight
  }, [count])

  async function send(e: FormEvent) {
    e.preventDefault()
    const body = draft.trim()
    if (!body || sending) return
    setSending(true)
    setSendError(null)
    try {
      const message = chat ? await api.sayInRoom(roomId, body) : await api.addRoomNote(roomId, body)
      state.add(message)
      setDraft('')
    } catch (err) {
      setSendError(err)
    } finally {
      setSending(false)
    }
  }

  const headingId = `${prefix}-heading`
  return (
    <section
      className={chat ? 'card messages' : 'card messages messages--notes'}
      aria-labelledby={headingId}
      data-testid={chat ? 'chat-panel' : 'notes-panel'}
    >
      <div className="card__header">
        <h2 id={headingId}>{chat ? t('rooms.chatHeading') : t('rooms.notesHeading')}</h2>
      </div>
      {!chat ? <p className="muted messages__hint">{t('rooms.notesPrivate')}</p> : null}
      {state.error && state.messages === null ? <InlineError error={state.error} onRetry={() => void state.reload()} /> : null}
      <ol className="messages__list" ref={list} aria-live="polite" data-testid={`${prefix}-list`}>
        {state.messages === null && !state.error ? <li className="muted">{t('common.loading')}</li> : null}
        {state.messages?.length === 0 ? (
          <li className="muted messages__empty">{chat ? t('rooms.chatEmpty') : t('rooms.notesEmpty')}</li>
        ) : null}
        {state.messages?.map((m) => (
          <li
            key={m.id}
            className={m.author?.id === user?.id ? 'message message--mine' : 'message'}
            data-testid={`${prefix}-message`}
            data-id={m.id}
          >
            <p className="message__meta">
              <span className="message__author">{m.author?.full_name ?? t('rooms.someone')}</span>
              <time dateTime={m.at}>{fmt(m.at, { timeStyle: 'short' })}</time>
            </p>
            <p className="message__body">{m.body}</p>
          </li>
        ))}
      </ol>
      {canPost ? (
        <form className="messages__form" onSubmit={(e) => void send(e)}>
          <label htmlFor={`${prefix}-input`} className="visually-hidden">
            {chat ? t('rooms.chatLabel') : t('rooms.noteLabel')}
          </label>
          <textarea
            id={`${prefix}-input`}
            rows={2}
            maxLength={4000}
            value={draft}
            placeholder={chat ? t('rooms.chatPlaceholder') : t('rooms.notePlaceholder')}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault()
                void send(e)
              }
            }}
            data-testid={`${prefix}-input`}
          />
          <button
            type="submit"
            className="button button--primary"
            disabled={sending || !draft.trim()}
            data-testid={`${prefix}-send`}
          >
            {chat ? t('rooms.send') : t('rooms.addNote')}
          </button>
          {sendError ? (
            <p className="field-error" role="alert">
              {describeError(sendError, t)}
            </p>
          ) : null}
        </form>
      ) : readOnlyNote ? (
        <p className="muted messages__hint">{readOnlyNote}</p>
      ) : null}
    </section>
  )
}
