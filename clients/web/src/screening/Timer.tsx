import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatCountdown } from '../format'

/** Where the count-down stands: the server's `deadline - server_time` when `receivedAt` (performance.now()). */
export interface ServerClock {
  /** Milliseconds left by the server's clock when its answer was made. */
  leftMs: number
  /** `performance.now()` when that answer arrived here. */
  receivedAt: number
}

export function clockFrom(deadline: string, serverTime: string): ServerClock {
  const left = Date.parse(deadline) - Date.parse(serverTime)
  return { leftMs: Number.isFinite(left) ? left : 0, receivedAt: performance.now() }
}

/** Time left now: the server's figure less the time that passed here since (monotonic clock). */
export function remainingMs(clock: ServerClock): number {
  return clock.leftMs - (performance.now() - clock.receivedAt)
}

const WARN_MS = 5 * 60_000

/**
 * The count-down of an attempt. It never reads the wall clock of this machine: only the
 * server's figure and the elapsed time here. At zero, `onExpire` is called (once per clock).
 */
export function Timer({ clock, onExpire }: { clock: ServerClock; onExpire: () => void }) {
  const { t } = useTranslation()
  const [left, setLeft] = useState(() => remainingMs(clock))
  const expiredFor = useRef<ServerClock | null>(null)
  const onExpireRef = useRef(onExpire)
  useEffect(() => {
    onExpireRef.current = onExpire
  })
  const [announce, setAnnounce] = useState('')
  const announced = useRef(new Set<number>())

  useEffect(() => {
    const tick = () => {
      const now = remainingMs(clock)
      setLeft(now)
      for (const minutes of [5, 1]) {
        if (now <= minutes * 60_000 && now > 0 && !announced.current.has(minutes)) {
          announced.current.add(minutes)
          setAnnounce(t('attempt.timeLeftAnnounce', { count: minutes }))
        }
      }
      if (now <= 0 && expiredFor.current !== clock) {
        expiredFor.current = clock
        onExpireRef.current()
      }
    }
    tick()
    const timer = window.setInterval(tick, 250)
    return () => window.clearInterval(timer)
  }, [clock, t])

  const warn = left < WARN_MS
  const over = left <= 0
  return (
    <div
      className={`timer${warn ? ' timer--warn' : ''}${over ? ' timer--over' : ''}`}
      data-testid="attempt-timer"
      data-remaining={Math.max(0, Math.ceil(left / 1000))}
      data-warning={warn ? 'true' : 'false'}
    >
      <span className="timer__label">{t('attempt.timeLeft')}</span>
      <span className="timer__value" role="timer" aria-label={t('attempt.timeLeftLabel', { time: formatCountdown(left) })}>
        {formatCountdown(left)}
      </span>
      <span className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </span>
    </div>
  )
}
