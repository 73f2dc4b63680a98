import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { api, isApiError, type HistoryUpdate, type Room, type RoomDocument } from '../../api'
import { useAuth } from '../../auth'
import { InlineError, ResourceView } from '../../components/Card'
import { useFormatDate } from '../../format'
import { useDocumentTitle, useResource } from '../../hooks'
import { userColor } from '../../rooms/collab'
import { RoomStatusTag, useFormatDuration } from '../../rooms/format'
import { buildReplay, PASTE_CHARS, stepAt, type Replay, type Step } from '../../rooms/replay'
import { ReplayEditor } from '../../rooms/ReplayEditor'
import { languageName } from '../../screening/languages'
import { NotFoundPage } from '../NotFoundPage'

const SPEEDS = [1, 2, 4, 8, 16, 32] as const
/** How many slots a track is drawn in (one mark per slot with changes; pastes each get one). */
const BINS = 240
/** How long (real time) a "paste" or "idle skipped" badge stays after the playhead passes it. */
const BADGE_MS = 2_500

/** `/rooms/:id/replay` (staff): how each file was written, change by change. */
export function RoomReplayPage() {
  const { id = '' } = useParams()
  const room = useResource(() => api.room(id), id)
  useDocumentTitle('title.replay', room.data?.title)
  if (isApiError(room.error) && room.error.status === 404) return <NotFoundPage />
  return (
    <div className="page replay-page" data-testid="replay-page">
      <ResourceView resource={room}>{(r) => <ReplayOfRoom room={r} />}</ResourceView>
    </div>
  )
}

function ReplayOfRoom({ room }: { room: Room }) {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const wanted = params.get('file')
  const doc = room.documents.find((d) => d.file_name === wanted) ?? room.documents[0] ?? null
  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/rooms/${room.id}`}>{t('rooms.backToRoom', { title: room.title })}</Link>
      </p>
      <div className="page-head page-head--row">
        <div>
          <h1 data-testid="replay-title">{t('rooms.replayHeading', { title: room.title })}</h1>
          <p className="item__meta">
            <RoomStatusTag status={room.status} />
            {room.status !== 'ended' ? <span className="muted">{t('rooms.replayLiveNote')}</span> : null}
          </p>
        </div>
        <div className="field field--inline">
          <label htmlFor="replay-file">{t('rooms.replayFile')}</label>
          <select
            id="replay-file"
            value={doc?.file_name ?? ''}
            onChange={(e) => {
              const copy = new URLSearchParams(params)
              copy.set('file', e.target.value)
              setParams(copy, { replace: true })
            }}
            data-testid="replay-file"
          >
            {room.documents.map((d) => (
              <option key={d.id} value={d.file_name}>
                {d.file_name} ({languageName(d.language)})
              </option>
            ))}
          </select>
        </div>
      </div>
      {doc ? <FileReplay key={doc.id} room={room} doc={doc} /> : <p className="muted">{t('rooms.replayNoFiles')}</p>}
    </>
  )
}

function FileReplay({ room, doc }: { room: Room; doc: RoomDocument }) {
  const { t } = useTranslation()
  const { user } = useAuth()
  const me = user ? { user_id: user.id, full_name: user.full_name || user.email } : null
  const history = useResource(
    () => api.documentHistory(room.id, doc.id).then((r) => buildReplay(withNames(r.updates, room, me))),
    doc.id,
  )
  if (history.error && !history.data) return <InlineError error={history.error} onRetry={history.reload} />
  if (!history.data) {
    return (
      <p className="muted" role="status">
        {t('rooms.replayLoading')}
      </p>
    )
  }
  if (history.data.steps.length === 0) {
    return (
      <div className="empty-state" data-testid="replay-empty">
        <p className="empty-state__title">{t('rooms.replayEmpty', { file: doc.file_name })}</p>
      </div>
    )
  }
  return <Player replay={history.data} doc={doc} onReload={history.reload} />
}

/** The history names only seated participants; other staff who typed are named from the room's presence. */
function withNames(
  updates: HistoryUpdate[],
  room: Room,
  me: { user_id: string; full_name: string } | null,
): HistoryUpdate[] {
  const names = new Map<string, string>()
  if (me) names.set(me.user_id, me.full_name)
  for (const p of room.presence) names.set(p.user_id, p.full_name)
  for (const p of room.participants) names.set(p.user_id, p.full_name)
  return updates.map((u) =>
    u.author && !u.author.full_name && names.has(u.author.id)
      ? { ...u, author: { id: u.author.id, full_name: names.get(u.author.id) ?? null } }
      : u,
  )
}

function Player({ replay, doc, onReload }: { replay: Replay; doc: RoomDocument; onReload: () => void }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const duration = useFormatDuration()
  const { steps, total } = replay
  const [position, setPositionState] = useState(0)
  const positionRef = useRef(0)
  const setPosition = (value: number) => {
    positionRef.current = value
    setPositionState(value)
  }
  const [playing, setPlaying] = useState(false)
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(4)
  const [badge, setBadge] = useState<{ kind: 'paste' | 'idle'; step: Step } | null>(null)
  const index = stepAt(steps, position)
  const step = index >= 0 ? steps[index] : undefined
  const atEnd = position >= total

  // play: the replay clock moves `speed` times faster than the real one
  const speedRef = useRef(speed)
  speedRef.current = speed
  useEffect(() => {
    if (!playing) return
    let frame = 0
    let last = performance.now()
    const tick = (now: number) => {
      const dt = now - last
      last = now
      const next = Math.min(total, positionRef.current + dt * speedRef.current)
      positionRef.current = next
      setPositionState(next)
      if (next >= total) setPlaying(false)
      else frame = requestAnimationFrame(tick)
    }
    frame = requestAnimationFrame(tick)
    return () => cancelAnimationFrame(frame)
  }, [playing, total])

  // a paste or a skipped pause passed while playing: say so for a moment
  const shown = useRef(index)
  useEffect(() => {
    const before = shown.current
    shown.current = index
    if (index <= before) return
    let found: { kind: 'paste' | 'idle'; step: Step } | null = null
    for (let i = before + 1; i <= index; i++) {
      const s = steps[i]
      if (!s) continue
      if (s.paste) found = { kind: 'paste', step: s }
      else if (s.idleBefore && found?.kind !== 'paste') found = { kind: 'idle', step: s }
    }
    if (!found) return
    setBadge(found)
    const timer = window.setTimeout(() => setBadge(null), BADGE_MS)
    return () => window.clearTimeout(timer)
  }, [index, steps])

  function toggle() {
    if (playing) setPlaying(false)
    else {
      if (atEnd) setPosition(0)
      setPlaying(true)
    }
  }
  function seek(to: number) {
    setPosition(Math.max(0, Math.min(total, to)))
  }
  function seekFromTrack(e: MouseEvent<HTMLDivElement>) {
    const box = e.currentTarget.getBoundingClientRect()
    seek(((e.clientX - box.left) / box.width) * total)
  }

  const first = steps[0]
  const pastes = steps.filter((s) => s.paste)
  const idles = steps.filter((s) => s.idleBefore > 0)
  const elapsedReal = step && first ? step.at - first.at : 0
  const pct = (v: number) => `${(total ? (v / total) * 100 : 0).toFixed(3)}%`

  const tracks = useMemo(
    () =>
      replay.authors.map((author) => {
        const bins = new Array<number>(BINS).fill(0)
        for (const s of steps) {
          if ((s.authorId ?? null) !== author.id || s.paste) continue
          const bin = Math.min(BINS - 1, Math.floor((s.v / (total || 1)) * BINS))
          bins[bin] = (bins[bin] ?? 0) + 1
        }
        return {
          author,
          bins,
          pastes: steps.filter((s) => s.paste && (s.authorId ?? null) === author.id),
        }
      }),
    [replay.authors, steps, total],
  )

  return (
    <div className="replay" data-testid="replay">
      <div className="card replay__player">
        <div className="replay__controls">
          <button
            type="button"
            className="button button--primary"
            onClick={toggle}
            aria-pressed={playing}
            data-testid="replay-play"
            data-playing={playing ? 'true' : 'false'}
          >
            {playing ? t('rooms.pause') : atEnd ? t('rooms.playAgain') : t('rooms.play')}
          </button>
          <div className="field field--inline">
            <label htmlFor="replay-speed">{t('rooms.speed')}</label>
            <select
              id="replay-speed"
              value={speed}
              onChange={(e) => setSpeed(Number(e.target.value) as (typeof SPEEDS)[number])}
              data-testid="replay-speed"
            >
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </div>
          <p
            className="replay__position"
            data-testid="replay-position"
            data-step={index + 1}
            data-steps={steps.length}
            data-at-end={atEnd ? 'true' : 'false'}
            aria-live="off"
          >
            {t('rooms.replayStep', { step: index + 1, steps: steps.length })}
            {' · '}
            {step ? (
              <>
                <time dateTime={new Date(step.at).toISOString()}>{fmt(new Date(step.at).toISOString(), { timeStyle: 'medium' })}</time>
                {' · '}
                {t('rooms.replayElapsed', { time: duration(elapsedReal), total: duration(replay.span) })}
              </>
            ) : (
              t('rooms.replayStart')
            )}
          </p>
          <button type="button" className="button button--small" onClick={onReload}>
            {t('common.refresh')}
          </button>
        </div>

        <div className="replay__scrub">
          <label htmlFor="replay-scrubber" className="visually-hidden">
            {t('rooms.timeline')}
          </label>
          <input
            id="replay-scrubber"
            type="range"
            min={0}
            max={total}
            step={1}
            value={Math.round(position)}
            onChange={(e) => seek(Number(e.target.value))}
            aria-valuetext={t('rooms.replayStep', { step: index + 1, steps: steps.length })}
            data-testid="replay-scrubber"
          />
          <div className="replay__axis" aria-hidden="true">
            {idles.map((s) => (
              <span
                key={s.index}
                className="replay__idle"
                style={{ left: pct(s.v) }}
                title={t('rooms.idleSkipped', { time: duration(s.idleBefore) })}
                data-testid="replay-idle-mark"
              />
            ))}
          </div>
        </div>

        <div className="replay__tracks" data-testid="replay-tracks">
          {tracks.map(({ author, bins, pastes: authorPastes }) => {
            const name = author.name ?? t('rooms.someone')
            const color = author.id ? userColor(author.id) : 'var(--text-muted)'
            return (
              <div className="replay__track" key={author.id ?? 'unknown'} data-testid="replay-track" data-author-id={author.id ?? ''}>
                <span className="replay__track-name">
                  <span className="replay__track-who">
                    <span className="presence__swatch" style={{ backgroundColor: color }} aria-hidden="true" />
                    {name}
                  </span>
                  <span className="replay__track-count muted">
                    {t('rooms.trackChanges', { count: author.changes })}
                    {author.pastes ? ` · ${t('rooms.trackPastes', { count: author.pastes })}` : ''}
                  </span>
                </span>
                <div className="replay__lane" onClick={seekFromTrack} role="presentation">
                  {bins.map((count, bin) =>
                    count ? (
                      <span
                        key={bin}
                        className="replay__mark"
                        style={{ left: `${(bin / BINS) * 100}%`, width: `${100 / BINS}%`, backgroundColor: color, opacity: Math.min(1, 0.35 + count / 6) }}
                      />
                    ) : null,
                  )}
                  {authorPastes.map((s) => (
                    <button
                      type="button"
                      key={`p${s.index}`}
                      className="replay__paste"
                      style={{ left: pct(s.v) }}
                      title={t('rooms.pasteMark', { count: s.inserted, name })}
                      aria-label={t('rooms.pasteMark', { count: s.inserted, name })}
                      onClick={(e) => {
                        e.stopPropagation()
                        seek(s.v)
                      }}
                      data-testid="replay-paste-mark"
                    />
                  ))}
                  <span className="replay__head" style={{ left: pct(position) }} aria-hidden="true" />
                </div>
              </div>
            )
          })}
        </div>

        <div className="replay__badges" aria-live="polite">
          {badge?.kind === 'paste' ? (
            <span className="tag tag--bad" data-testid="replay-paste-badge">
              {t('rooms.pasteBadge', { count: badge.step.inserted, name: badge.step.authorName ?? t('rooms.someone') })}
            </span>
          ) : badge?.kind === 'idle' ? (
            <span className="tag tag--muted" data-testid="replay-idle-badge">
              {t('rooms.idleSkipped', { time: duration(badge.step.idleBefore) })}
            </span>
          ) : null}
          {step?.paste && badge?.kind !== 'paste' ? (
            <span className="tag tag--bad" data-testid="replay-paste-badge">
              {t('rooms.pasteBadge', { count: step.inserted, name: step.authorName ?? t('rooms.someone') })}
            </span>
          ) : null}
          {step ? (
            <span className="muted" data-testid="replay-author">
              {t('rooms.changeBy', { name: step.authorName ?? t('rooms.someone') })}
            </span>
          ) : null}
        </div>
      </div>

      <ReplayEditor
        key={doc.id}
        text={step?.text ?? ''}
        language={doc.language}
        label={t('rooms.replayEditorLabel', { file: doc.file_name })}
        fileName={doc.file_name}
      />

      <div className="replay__legend muted">
        <p>{t('rooms.replayLegend', { chars: PASTE_CHARS })}</p>
        {pastes.length ? (
          <ul className="chips" aria-label={t('rooms.pastesLabel')}>
            {pastes.map((s) => (
              <li key={s.index}>
                <button type="button" className="link-button" onClick={() => seek(s.v)}>
                  {t('rooms.pasteAt', {
                    time: fmt(new Date(s.at).toISOString(), { timeStyle: 'medium' }),
                    count: s.inserted,
                    name: s.authorName ?? t('rooms.someone'),
                  })}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  )
}
