import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { isApiError } from './api'
import { useAuth } from './auth'

export interface Resource<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
}

/**
 * Load data from the API when mounted (and on `reload()`); keeps the last
 * data while reloading. A 401 signs the user out.
 */
export function useResource<T>(load: () => Promise<T>, key = ''): Resource<T> {
  const { handleUnauthenticated } = useAuth()
  const [tick, setTick] = useState(0)
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  })

  useEffect(() => {
    let cancelled = false
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => {
        if (!cancelled) setState({ data, error: null, loading: false })
      },
      (error: unknown) => {
        if (cancelled) return
        if (isApiError(error) && error.status === 401) handleUnauthenticated()
        setState((s) => ({ data: s.data, error, loading: false }))
      },
    )
    return () => {
      cancelled = true
    }
    // `load` is usually an inline arrow; reload is driven by `tick` and `key`.
  }, [tick, key, handleUnauthenticated])

  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { ...state, reload }
}

/**
 * `<title>` in the current language: "Page — Sobes", or "Detail — Page — Sobes" with a
 * detail such as a vacancy's title.
 */
export function useDocumentTitle(key: string, detail?: string | null) {
  const { t, i18n } = useTranslation()
  const page = t(key)
  const app = t('app.name')
  useEffect(() => {
    const parts = [detail, page, app].filter(Boolean)
    document.title = parts.join(' — ')
  }, [page, app, detail, i18n.language])
}

/**
 * A stable function that calls `action` once, `delayMs` after the last of a burst of calls
 * (live events often come many at once).
 */
export function useDebouncedCallback(action: () => void, delayMs: number): () => void {
  const latest = useRef(action)
  const timer = useRef<number | undefined>(undefined)
  useEffect(() => {
    latest.current = action
  })
  useEffect(() => () => window.clearTimeout(timer.current), [])
  return useCallback(() => {
    window.clearTimeout(timer.current)
    timer.current = window.setTimeout(() => latest.current(), delayMs)
  }, [delayMs])
}
