import { useTranslation } from 'react-i18next'
import type { Details } from './api'

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options)
    cache.set(key, f)
  }
  return f
}

export const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }
export const DATE_ONLY: Intl.DateTimeFormatOptions = { dateStyle: 'long' }

export function formatDate(
  iso: string | null | undefined,
  locale: string,
  options: Intl.DateTimeFormatOptions = DATE_TIME,
): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return formatter(locale, options).format(date)
}

/** Date formatting in the current interface language; re-renders on change. */
export function useFormatDate() {
  const { i18n } = useTranslation()
  const locale = i18n.resolvedLanguage ?? i18n.language
  return (iso: string | null | undefined, options?: Intl.DateTimeFormatOptions) =>
    formatDate(iso, locale, options)
}

export function useFormatNumber() {
  const { i18n } = useTranslation()
  const locale = i18n.resolvedLanguage ?? i18n.language
  return (n: number) => new Intl.NumberFormat(locale).format(n)
}

/** A rough "Browser / OS" guess from a User-Agent string, for session lists. */
export function describeUserAgent(ua: string | null | undefined): { browser: string; os: string } | null {
  if (!ua) return null
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /YaBrowser\//.test(ua) ? 'Yandex Browser'
    : /(Headless)?Chrome\/|CriOS\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : /curl\//.test(ua) ? 'curl'
    : /python/i.test(ua) ? 'Python'
    : null
  const os =
    /Android/.test(ua) ? 'Android'
    : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Linux/.test(ua) ? 'Linux'
    : null
  if (!browser && !os) return null
  return { browser: browser ?? '?', os: os ?? '?' }
}

/** Render a free-form value (audit target, details) as short text. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(displayValue).join(', ')
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

export function detailsEntries(details: Details | null | undefined): [string, string][] {
  if (!details || typeof details !== 'object') return []
  return Object.entries(details).map(([k, v]) => [k, displayValue(v)])
}

/** Numbers in the interface language: percentages, times, sizes. */
export function useFormatters() {
  const { i18n, t } = useTranslation()
  const locale = i18n.resolvedLanguage ?? i18n.language
  const number = (n: number, digits = 0) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n)
  return {
    number,
    /** 87.5 → "87.5 %" (en: "87.5%"); null → "—". */
    percent: (value: number | null | undefined) =>
      value === null || value === undefined
        ? '—'
        : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
            value / 100,
          ),
    /** A 0..1 share as a percentage. */
    share: (value: number) =>
      new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value),
    cpu: (ms: number | null | undefined) =>
      ms === null || ms === undefined ? '—' : t('units.ms', { value: number(ms) }),
    /** A time limit: whole seconds read better ("2 s"), else milliseconds. */
    limit: (ms: number) =>
      ms >= 1000 && ms % 100 === 0 ? t('units.s', { value: number(ms / 1000, 1) }) : t('units.ms', { value: number(ms) }),
    memory: (kb: number | null | undefined) =>
      kb === null || kb === undefined
        ? '—'
        : kb >= 1024
          ? t('units.mb', { value: number(kb / 1024, 1) })
          : t('units.kb', { value: number(kb) }),
  }
}

/** A count-down as "1:05:09" or "04:59". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  const mm = String(minutes).padStart(2, '0')
  const ss = String(seconds).padStart(2, '0')
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`
}
