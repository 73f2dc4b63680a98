import { useCallback, useEffect, useRef } from 'react'
import { api, isApiError, type Details, type IntegrityEvent, type IntegrityKind } from '../api'

const FLUSH_EVERY_MS = 5_000
const BATCH = 100 // the server takes up to 100 events a call
const KEEP_AT_MOST = 1_000

/**
 * Integrity signals of an active attempt: tab hidden / visible, window focus lost / regained,
 * full screen left / entered, and pastes (reported by the editor through `report`). Queued
 * and sent to `POST /attempts/:id/events` every few seconds, and with a keep-alive request
 * when the page is hidden or closed.
 */
export function useIntegrityReporter(
  attemptId: string,
  active: boolean,
  onAttemptOver: () => void,
): (kind: IntegrityKind, details?: Details) => void {
  const queue = useRef<IntegrityEvent[]>([])
  const activeRef = useRef(active)
  const overRef = useRef(onAttemptOver)
  useEffect(() => {
    activeRef.current = active
    overRef.current = onAttemptOver
  })

  const report = useCallback((kind: IntegrityKind, details?: Details) => {
    if (!activeRef.current) return
    const event: IntegrityEvent = { kind, at: new Date().toISOString() }
    if (details) event.details = details
    queue.current.push(event)
    if (queue.current.length > KEEP_AT_MOST) queue.current.splice(0, queue.current.length - KEEP_AT_MOST)
  }, [])

  useEffect(() => {
    if (!active) return

    async function flush(keepalive = false) {
      while (queue.current.length) {
        const batch = queue.current.splice(0, BATCH)
        try {
          await api.reportEvents(attemptId, batch, { keepalive })
        } catch (err) {
          if (isApiError(err) && err.status === 409) {
            queue.current = []
            if (err.code === 'attempt_over') overRef.current()
            return
          }
          if (isApiError(err) && (err.status === 0 || err.status >= 500 || err.status === 429)) {
            // Try again with the next flush.
            queue.current.unshift(...batch)
            return
          }
          // Refused as invalid: nothing would make it acceptable later.
          return
        }
      }
    }

    const onVisibility = () => {
      report(document.visibilityState === 'hidden' ? 'tab_hidden' : 'tab_visible')
      if (document.visibilityState === 'hidden') void flush(true)
    }
    const onBlur = () => report('focus_lost')
    const onFocus = () => report('focus_regained')
    const onFullscreen = () => report(document.fullscreenElement ? 'fullscreen_enter' : 'fullscreen_exit')
    const onPageHide = () => void flush(true)

    document.addEventListener('visibilitychange', onVisibility)
    window.addEventListener('blur', onBlur)
    window.addEventListener('focus', onFocus)
    document.addEventListener('fullscreenchange', onFullscreen)
    window.addEventListener('pagehide', onPageHide)
    const timer = window.setInterval(() => void flush(), FLUSH_EVERY_MS)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener('blur', onBlur)
      window.removeEventListener('focus', onFocus)
      document.removeEventListener('fullscreenchange', onFullscreen)
      window.removeEventListener('pagehide', onPageHide)
      window.clearInterval(timer)
      void flush(true)
    }
  }, [active, attemptId, report])

  return report
}
