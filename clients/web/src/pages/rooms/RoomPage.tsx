import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { api, isApiError, type Room } from '../../api'
import { useAuth } from '../../auth'
import { InlineError } from '../../components/Card'
import { describeError } from '../../errors'
import { useFormatDate } from '../../format'
import { useDocumentTitle, useResource } from '../../hooks'
import { useSocketConnected, useSocketEvent } from '../../socket'
import { collabUser } from '../../rooms/collab'
import { CollabEditor, type EditorSession, type LinkState } from '../../rooms/CollabEditor'
import { defaultFileName, FILE_NAME_PATTERN } from '../../rooms/files'
import { RoomStatusTag, useRoomRoleName } from '../../rooms/format'
import { MessagesPanel, useRoomMessages } from '../../rooms/MessagesPanel'
import { PresenceList } from '../../rooms/PresenceList'
import { RoomTaskPanel } from '../../rooms/RoomTaskPanel'
import { RunPanel, useSharedRun } from '../../rooms/RunPanel'
import { ScorecardPanel } from '../../rooms/ScorecardPanel'
import { useRoomChannel, type ChannelState } from '../../rooms/useRoomChannel'
import { languageName } from '../../screening/languages'
import { NotFoundPage } from '../NotFoundPage'

/** May one type in the room's files now? Never once ended or as an observer; the candidate not while locked. */
export function canWriteNow(room: Room): boolean {
  if (room.status === 'ended' || room.my_role === 'observer') return false
  return !(room.my_role === 'candidate' && room.editor_locked)
}

const MAX_REFUSALS_PER_MINUTE = 5

/** The editor server closed a connection for good (4401 token, 4403 not allowed). */
class RefusedError extends Error {
  readonly code: number
  constructor(code: number) {
    super(`editor connection refused (${code})`)
    this.code = code
  }
}

/**
 * `/rooms/:id`: the live interview. Shared files edited together (Yjs over y-websocket, one
 * document and connection per file), who is here, the shared run output, chat; for staff the
 * private notes and scorecards; for interviewers the controls.
 */
export function RoomPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const { user, handleUnauthenticated } = useAuth()
  const [room, setRoom] = useState<Room | null>(null)
  const [error, setError] = useState<unknown>(null)
  useDocumentTitle('title.room', room?.title)

  const load = useCallback(async () => {
    try {
      setRoom(await api.room(id))
      setError(null)
    } catch (err) {
      if (isApiError(err) && err.status === 401) handleUnauthenticated()
      setError(err)
    }
  }, [id, handleUnauthenticated])

  useEffect(() => {
    setRoom(null)
    void load()
  }, [load])
  useSocketConnected(() => void load())

  // A room that exists for us: enter its live channel.
  const channel = useRoomChannel(room ? id : null)
  // The event carries the whole room (its task with the statement), all but one's own role.
  useSocketEvent<Omit<Room, 'my_role'>>('room.changed', (view) => {
    if (view?.id !== id) return
    setRoom((current) => (current ? { ...current, ...view, my_role: current.my_role } : current))
  })
  useSocketEvent<{ room_id: string; presence: Room['presence'] }>('room.presence', (event) => {
    if (event?.room_id !== id || !Array.isArray(event.presence)) return
    setRoom((current) => (current ? { ...current, presence: event.presence } : current))
  })

  if (!room) {
    if (isApiError(error) && error.status === 404) return <NotFoundPage />
    return (
      <div className="page" data-testid="room-page" data-status="loading">
        {error ? (
          <InlineError error={error} onRetry={() => void load()} />
        ) : (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        )}
      </div>
    )
  }
  if (!user) return null
  return <RoomView room={room} channel={channel} meId={user.id} meName={user.full_name || user.email} onChanged={setRoom} />
}

function RoomView({
  room,
  channel,
  meId,
  meName,
  onChanged,
}: {
  room: Room
  channel: ChannelState
  meId: string
  meName: string
  onChanged: (room: Room) => void
}) {
  const { t } = useTranslation()
  const roleName = useRoomRoleName()
  const fmt = useFormatDate()
  const [params, setParams] = useSearchParams()
  const staff = room.my_role !== 'candidate'
  const interviewer = room.my_role === 'interviewer'
  const writer = room.my_role === 'candidate' || room.my_role === 'interviewer'
  const ended = room.status === 'ended'

  // -- the editor token: fetched once, again when write access should change or it expired --
  const [session, setSession] = useState<EditorSession | null>(null)
  const [tokenError, setTokenError] = useState<unknown>(null)
  const fetching = useRef(false)
  const fetchToken = useCallback(async () => {
    if (fetching.current) return
    fetching.current = true
    try {
      const answer = await api.editorToken(room.id)
      setTokenError(null)
      setSession((current) =>
        // the same rights: the connections in use stay (their token is still good)
        current && current.canWrite === answer.can_write ? current : { token: answer.token, canWrite: answer.can_write },
      )
    } catch (err) {
      setTokenError(err)
    } finally {
      fetching.current = false
    }
  }, [room.id])
  const expected = canWriteNow(room)
  useEffect(() => {
    if (session === null || session.canWrite !== expected) void fetchToken()
  }, [expected, session, fetchToken])
  const refusals = useRef<number[]>([])
  const refreshAfterRefusal = useCallback(
    (code: number) => {
      const now = Date.now()
      refusals.current = [...refusals.current.filter((at) => now - at < 60_000), now]
      if (code !== 4401 || refusals.current.length > MAX_REFUSALS_PER_MINUTE) {
        // not this room's document, an origin not allowed, or refused again and again
        setTokenError(new RefusedError(code))
        return
      }
      // an expired or unknown token: a new one, and every file reconnects with it
      setSession(null)
    },
    [],
  )

  // -- files -------------------------------------------------------------------------------
  const docs = room.documents
  const wanted = params.get('file')
  const active = docs.find((d) => d.file_name === wanted) ?? docs[0] ?? null
  const [links, setLinks] = useState<Record<string, LinkState>>({})
  const me = useMemo(() => collabUser(meId, meName), [meId, meName])
  function select(fileName: string) {
    const copy = new URLSearchParams(params)
    copy.set('file', fileName)
    setParams(copy, { replace: true })
  }
  function onTabKey(e: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
    if (!step || docs.length === 0) return
    e.preventDefault()
    const next = docs[(index + step + docs.length) % docs.length]
    if (next) {
      select(next.file_name)
      document.getElementById(`file-tab-${next.id}`)?.focus()
    }
  }

  const shared = useSharedRun(room.id)
  const chat = useRoomMessages(room.id, 'chat', true)
  // Staff only: the candidate's page never asks for the notes (nor the scorecards).
  const notes = useRoomMessages(room.id, 'note', staff)
  const link = active ? (links[active.name] ?? 'connecting') : 'connecting'
  const editable = Boolean(session?.canWrite) && expected

  return (
    <div className="page room-page" data-testid="room-page" data-status={room.status} data-role={room.my_role}>
      <div className="room-head">
        <div>
          {staff ? (
            <p className="breadcrumbs">
              <Link to="/hr">{t('rooms.backToHiring')}</Link>
            </p>
          ) : null}
          <h1 data-testid="room-title">{room.title}</h1>
          <p className="item__meta">
            <RoomStatusTag status={room.status} />
            <span className="tag tag--bare" data-testid="my-role" data-role={room.my_role}>
              {roleName(room.my_role)}
            </span>
            {room.task ? (
              staff ? (
                <Link to={`/hr/tasks/${room.task.id}`} data-testid="room-task">
                  {t('rooms.withTask', { title: room.task.title })}
                </Link>
              ) : (
                <span data-testid="room-task">{t('rooms.withTask', { title: room.task.title })}</span>
              )
            ) : null}
            {room.status === 'scheduled' && room.scheduled_at ? (
              <span>{t('rooms.scheduledFor', { time: fmt(room.scheduled_at) })}</span>
            ) : null}
            <ChannelBadge channel={channel} />
          </p>
        </div>
        <div className="room-head__actions">
          {staff ? (
            <Link to={`/rooms/${room.id}/replay`} className="button" data-testid="open-replay">
              {t('rooms.replay')}
            </Link>
          ) : null}
          {interviewer && !ended ? <Controls room={room} onChanged={onChanged} /> : null}
        </div>
      </div>

      {ended ? (
        <div className="callout" role="status" data-testid="room-ended">
          <p className="callout__title">{t('rooms.endedTitle')}</p>
          <p>{staff ? t('rooms.endedStaff') : t('rooms.endedCandidate')}</p>
        </div>
      ) : room.editor_locked ? (
        <div className="callout callout--warn" role="status" data-testid="editor-locked">
          <p>{room.my_role === 'candidate' ? t('rooms.lockedCandidate') : t('rooms.lockedStaff')}</p>
        </div>
      ) : null}
      {channel.state === 'refused' ? (
        <div className="inline-error" role="alert">
          {t('rooms.channelRefused', { reason: channel.message || channel.code })}
        </div>
      ) : null}

      <div className="room-grid">
        <div className="room-main">
          {room.task ? <RoomTaskPanel task={room.task} /> : null}
          <section className="card room-files" aria-label={t('rooms.filesLabel')}>
            <div className="room-files__bar">
              <div className="file-tabs" role="tablist" aria-label={t('rooms.filesLabel')}>
                {docs.map((d, index) => (
                  <button
                    key={d.id}
                    id={`file-tab-${d.id}`}
                    type="button"
                    role="tab"
                    className="file-tab"
                    aria-selected={active?.id === d.id}
                    aria-controls={`file-panel-${d.id}`}
                    tabIndex={active?.id === d.id ? 0 : -1}
                    onClick={() => select(d.file_name)}
                    onKeyDown={(e) => onTabKey(e, index)}
                    data-testid="file-tab"
                    data-file={d.file_name}
                  >
                    {d.file_name}
                    <span className="file-tab__lang">{languageName(d.language)}</span>
                  </button>
                ))}
              </div>
              {writer && expected ? <AddFile room={room} onAdded={(name) => select(name)} onChanged={onChanged} /> : null}
            </div>
            <div className="editor-bar room-files__status">
              <LinkBadge state={link} />
              <span className="muted" data-testid="editor-access" data-access={editable ? 'write' : 'read'}>
                {editable ? t('rooms.accessWrite') : t('rooms.accessRead')}
              </span>
              {tokenError ? (
                <span className="field-error" role="alert">
                  {tokenError instanceof RefusedError ? t('rooms.linkRefusedWhy', { code: tokenError.code }) : describeError(tokenError, t)}
                </span>
              ) : null}
            </div>
            {docs.map((d) => (
              <div
                key={d.id}
                id={`file-panel-${d.id}`}
                role="tabpanel"
                aria-labelledby={`file-tab-${d.id}`}
                hidden={active?.id !== d.id}
              >
                <CollabEditor
                  docName={d.name}
                  fileName={d.file_name}
                  language={d.language}
                  session={session}
                  editable={editable}
                  user={me}
                  label={t('rooms.editorLabel', { file: d.file_name, language: languageName(d.language) })}
                  onLinkState={(state) => setLinks((current) => (current[d.name] === state ? current : { ...current, [d.name]: state }))}
                  onRefused={refreshAfterRefusal}
                />
              </div>
            ))}
          </section>
          <RunPanel room={room} fileName={active?.file_name ?? null} me={{ id: meId, full_name: meName }} shared={shared} />
          {staff ? <ScorecardPanel roomId={room.id} canWrite={interviewer} /> : null}
        </div>
        <aside className="room-side" aria-label={t('rooms.sideLabel')}>
          <PresenceList room={room} meId={meId} />
          <MessagesPanel
            roomId={room.id}
            kind="chat"
            state={chat}
            canPost={writer}
            readOnlyNote={t('rooms.chatObserver')}
          />
          {staff ? (
            <MessagesPanel
              roomId={room.id}
              kind="note"
              state={notes}
              canPost={interviewer}
              readOnlyNote={t('rooms.notesObserver')}
            />
          ) : null}
        </aside>
      </div>
    </div>
  )
}

function ChannelBadge({ channel }: { channel: ChannelState }) {
  const { t } = useTranslation()
  const text =
    channel.state === 'entered'
      ? t('rooms.channelLive')
      : channel.state === 'entering'
        ? t('rooms.channelEntering')
        : channel.state === 'refused'
          ? t('rooms.channelRefusedShort')
          : t('rooms.channelOffline')
  return (
    <span className={`live-state live-state--${channel.state}`} data-testid="room-channel" data-state={channel.state}>
      <span className="live-state__dot" aria-hidden="true" />
      {text}
    </span>
  )
}

function LinkBadge({ state }: { state: LinkState }) {
  const { t } = useTranslation()
  const text =
    state === 'synced'
      ? t('rooms.linkSynced')
      : state === 'connected'
        ? t('rooms.linkConnected')
        : state === 'connecting'
          ? t('rooms.linkConnecting')
          : state === 'offline'
            ? t('rooms.linkOffline')
            : t('rooms.linkRefused')
  const tone = state === 'synced' ? 'entered' : state === 'refused' || state === 'offline' ? 'refused' : 'entering'
  return (
    <span className={`live-state live-state--${tone}`} data-testid="editor-state" data-state={state} role="status">
      <span className="live-state__dot" aria-hidden="true" />
      {text}
    </span>
  )
}

/** Interviewers: lock the editor for the candidate, turn running off, end the interview. */
function Controls({ room, onChanged }: { room: Room; onChanged: (room: Room) => void }) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)

  async function act(what: string, call: () => Promise<Room>) {
    setBusy(what)
    setError(null)
    try {
      onChanged(await call())
      setConfirming(false)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="room-controls" data-testid="room-controls">
      <button
        type="button"
        className={room.editor_locked ? 'button button--toggle is-on' : 'button button--toggle'}
        aria-pressed={room.editor_locked}
        disabled={busy !== null}
        onClick={() => void act('lock', () => api.roomControls(room.id, { editor_locked: !room.editor_locked }))}
        data-testid="lock-editor"
        data-locked={room.editor_locked ? 'true' : 'false'}
      >
        {room.editor_locked ? t('rooms.unlockEditor') : t('rooms.lockEditor')}
      </button>
      <button
        type="button"
        className={room.running_disabled ? 'button button--toggle is-on' : 'button button--toggle'}
        aria-pressed={room.running_disabled}
        disabled={busy !== null}
        onClick={() => void act('run', () => api.roomControls(room.id, { running_disabled: !room.running_disabled }))}
        data-testid="toggle-running"
        data-disabled={room.running_disabled ? 'true' : 'false'}
      >
        {room.running_disabled ? t('rooms.enableRunning') : t('rooms.disableRunning')}
      </button>
      {confirming ? (
        <span className="room-controls__confirm" role="group" aria-label={t('rooms.endConfirm')}>
          <span>{t('rooms.endConfirm')}</span>
          <button
            type="button"
            className="button button--danger"
            disabled={busy !== null}
            onClick={() => void act('end', () => api.endRoom(room.id))}
            data-testid="end-confirm"
          >
            {t('rooms.endYes')}
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </span>
      ) : (
        <button type="button" className="button button--danger" onClick={() => setConfirming(true)} data-testid="end-interview">
          {t('rooms.end')}
        </button>
      )}
      {error ? <InlineError error={error} /> : null}
    </div>
  )
}

/** Another file in the room (its own shared document), for those who may write. */
function AddFile({ room, onAdded, onChanged }: { room: Room; onAdded: (fileName: string) => void; onChanged: (room: Room) => void }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const firstLanguage = room.documents[0]?.language ?? 'python3'
  const [language, setLanguage] = useState(firstLanguage)
  const [name, setName] = useState('')
  /** The name this form suggested: it follows the language until the person changes it. */
  const [suggested, setSuggested] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const languages = useResource(() => api.languages().then((r) => r.languages), open ? 'open' : 'closed')

  async function add(e: FormEvent) {
    e.preventDefault()
    const fileName = name.trim()
    if (!FILE_NAME_PATTERN.test(fileName)) {
      setError(t('rooms.fileNameRule'))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { documents } = await api.addRoomFile(room.id, { file_name: fileName, language })
      onChanged({ ...room, documents })
      onAdded(fileName)
      setOpen(false)
      setName('')
    } catch (err) {
      setError(describeError(err, t))
    } finally {
      setBusy(false)
    }
  }

  if (!open) {
    return (
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          setOpen(true)
          if (!name || name === suggested) {
            const suggestion = suggestName(room, language)
            setName(suggestion)
            setSuggested(suggestion)
          }
        }}
        disabled={room.documents.length >= 10}
        data-testid="add-file"
      >
        {t('rooms.addFile')}
      </button>
    )
  }
  return (
    <form className="add-file" onSubmit={(e) => void add(e)} data-testid="add-file-form">
      <label htmlFor="add-file-language" className="visually-hidden">
        {t('rooms.fieldLanguage')}
      </label>
      <select
        id="add-file-language"
        value={language}
        onChange={(e) => {
          const next = e.target.value
          setLanguage(next)
          if (!name.trim() || name === suggested) {
            const suggestion = suggestName(room, next)
            setName(suggestion)
            setSuggested(suggestion)
          }
        }}
      >
        {(languages.data ?? [{ id: language, name: languageName(language), version: '' }]).map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <label htmlFor="add-file-name" className="visually-hidden">
        {t('rooms.fieldFileName')}
      </label>
      <input
        id="add-file-name"
        type="text"
        value={name}
        maxLength={100}
        spellCheck={false}
        autoFocus
        onChange={(e) => setName(e.target.value)}
        data-testid="add-file-name"
      />
      <button type="submit" className="button button--small button--primary" disabled={busy} data-testid="add-file-submit">
        {t('rooms.add')}
      </button>
      <button type="button" className="button button--small" onClick={() => setOpen(false)}>
        {t('common.cancel')}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}

/** "main.py" if free, else "main2.py", … */
function suggestName(room: Room, language: string): string {
  const base = defaultFileName(language)
  const taken = new Set(room.documents.map((d) => d.file_name))
  if (!taken.has(base)) return base
  const dot = base.lastIndexOf('.')
  for (let n = 2; n < 100; n++) {
    const candidate = `${base.slice(0, dot)}${n}${base.slice(dot)}`
    if (!taken.has(candidate)) return candidate
  }
  return base
}
