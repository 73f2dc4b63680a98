import { useCallback, useEffect, useRef, useState } from 'react'
import { api, isApiError } from '../api'

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error'

const DEBOUNCE_MS = 800
const RETRY_MS = 5_000

/**
 * Saves a task's code as the candidate types: `PUT .../draft` ~800 ms after the last change,
 * one request at a time, the latest text winning; flushed with a keep-alive request when the
 * page goes away.
 */
export function useDraftSaver(
  attemptId: string,
  taskId: string,
  onAttemptOver: () => void,
  initiallySaved: boolean,
) {
  const [state, setState] = useState<SaveState>(initiallySaved ? 'saved' : 'idle')
  const [error, setError] = useState<unknown>(null)
  const [savedAt, setSavedAt] = useState<Date | null>(null)
  const waiting = useRef(new Map<string, string>()) // language -> latest unsaved source
  const timer = useRef<number | undefined>(undefined)
  const busy = useRef(false)
  const stopped = useRef(false)
  const overRef = useRef(onAttemptOver)
  useEffect(() => {
    overRef.current = onAttemptOver
  })

  const save = useCallback(async (): Promise<void> => {
    window.clearTimeout(timer.current)
    if (busy.current || stopped.current) return
    const next = waiting.current.entries().next()
    if (next.done) return
    const [language, source] = next.value
    waiting.current.delete(language)
    busy.current = true
    setState('saving')
    try {
      await api.saveDraft(attemptId, taskId, { language, source })
      busy.current = false
      setError(null)
      setSavedAt(new Date())
      if (waiting.current.size) {
        void save()
      } else {
        setState('saved')
      }
    } catch (err) {
      busy.current = false
      // A newer text may have arrived meanwhile; it wins.
      if (!waiting.current.has(language)) waiting.current.set(language, source)
      setError(err)
      setState('error')
      if (isApiError(err) && err.status === 409) {
        stopped.current = true
        if (err.code === 'attempt_over') overRef.current()
        return
      }
      if (isApiError(err) && err.status === 401) return
      timer.current = window.setTimeout(() => void save(), RETRY_MS)
    }
  }, [attemptId, taskId])

  const change = useCallback(
    (language: string, source: string) => {
      if (stopped.current) return
      waiting.current.set(language, source)
      setState((s) => (s === 'saving' ? s : 'pending'))
      window.clearTimeout(timer.current)
      timer.current = window.setTimeout(() => void save(), DEBOUNCE_MS)
    },
    [save],
  )

  /** Save what is waiting now, without the delay. */
  const flush = useCallback(() => void save(), [save])

  useEffect(() => {
    const sendNow = () => {
      // The page is going away: hand every unsaved text to the browser to deliver.
      for (const [language, source] of waiting.current) {
        void api.saveDraft(attemptId, taskId, { language, source }, { keepalive: true }).catch(() => {})
      }
      waiting.current.clear()
    }
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') void save()
    }
    window.addEventListener('pagehide', sendNow)
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      window.removeEventListener('pagehide', sendNow)
      document.removeEventListener('visibilitychange', onVisibility)
      window.clearTimeout(timer.current)
      if (!stopped.current) sendNow()
    }
  }, [attemptId, taskId, save])

  return { state, error, savedAt, change, flush }
}
