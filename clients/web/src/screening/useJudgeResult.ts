import { useEffect, useRef, useState } from 'react'
import { api, isApiError, type SubmissionDetail } from '../api'
import { useSocketEvent } from '../socket'

const POLL_MS = 2_000

/**
 * The result of a run or submission by id: pushed by the `submission.finished` event (matched
 * on `id`), and polled from `GET /submissions/:id` every 2 s as a fallback until it is done.
 * `onDone` is called once when the result is in.
 */
export function useJudgeResult(
  id: string | null,
  onDone?: (result: SubmissionDetail) => void,
): { result: SubmissionDetail | null; error: unknown } {
  const [result, setResult] = useState<SubmissionDetail | null>(null)
  const [error, setError] = useState<unknown>(null)
  const doneFor = useRef<string | null>(null)
  const onDoneRef = useRef(onDone)
  useEffect(() => {
    onDoneRef.current = onDone
  })

  function settle(detail: SubmissionDetail) {
    setResult(detail)
    if (detail.status === 'done' && doneFor.current !== detail.id) {
      doneFor.current = detail.id
      onDoneRef.current?.(detail)
    }
  }

  useEffect(() => {
    setResult(null)
    setError(null)
    if (!id) return
    let cancelled = false
    let timer: number | undefined
    const poll = async () => {
      if (cancelled || doneFor.current === id) return
      try {
        const detail = await api.submission(id)
        if (cancelled) return
        setError(null)
        settle(detail)
        if (detail.status === 'done') return
      } catch (err) {
        if (cancelled) return
        setError(err)
        if (isApiError(err) && (err.status === 404 || err.status === 401)) return
      }
      timer = window.setTimeout(() => void poll(), POLL_MS)
    }
    void poll()
    return () => {
      cancelled = true
      window.clearTimeout(timer)
    }
    // `settle` only touches refs and state setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])

  useSocketEvent<SubmissionDetail>('submission.finished', (payload) => {
    if (id && payload && payload.id === id) settle(payload)
  })

  return { result, error }
}
