import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { RoomRole, RoomStatus } from '../api'

/** "45 s", "12 min", "1 h 5 min" in the interface language. */
export function useFormatDuration() {
  const { i18n } = useTranslation()
  const locale = i18n.resolvedLanguage ?? i18n.language
  const unit = (value: number, u: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value)
  return (ms: number) => {
    const seconds = Math.max(0, Math.floor(ms / 1000))
    if (seconds < 60) return unit(seconds, 'second')
    const minutes = Math.floor(seconds / 60)
    if (minutes < 60) return unit(minutes, 'minute')
    const hours = Math.floor(minutes / 60)
    const rest = minutes % 60
    return rest ? `${unit(hours, 'hour')} ${unit(rest, 'minute')}` : unit(hours, 'hour')
  }
}

/** The clock, ticking every `everyMs` while mounted (for "connected for …"). */
export function useNow(everyMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs)
    return () => window.clearInterval(timer)
  }, [everyMs])
  return now
}

export function RoomStatusTag({ status }: { status: RoomStatus }) {
  const { t } = useTranslation()
  const tone = status === 'open' ? 'ok' : status === 'scheduled' ? 'accent' : 'muted'
  const text =
    status === 'open' ? t('rooms.statusOpen') : status === 'scheduled' ? t('rooms.statusScheduled') : t('rooms.statusEnded')
  return (
    <span className={`tag tag--bare tag--${tone}`} data-testid="room-status" data-status={status}>
      {text}
    </span>
  )
}

export function useRoomRoleName() {
  const { t } = useTranslation()
  return (role: RoomRole | null | undefined) =>
    role === 'candidate'
      ? t('rooms.roleCandidate')
      : role === 'interviewer'
        ? t('rooms.roleInterviewer')
        : role === 'observer'
          ? t('rooms.roleObserver')
          : t('rooms.roleStaff')
}
