import type { TFunction } from 'i18next'
import { isApiError } from './api'

/** The text to show a person for a failed request. */
export function describeError(err: unknown, t: TFunction): string {
  if (!isApiError(err)) return t('errors.unknown')
  if (err.status === 0) return t('errors.network')
  if (err.code === 'database_unavailable' || err.status === 503) return t('errors.unavailable')
  if (err.status >= 500) return t('errors.server')
  if (err.code === 'rate_limited' || err.status === 429) {
    return err.retryAfter !== undefined
      ? t('errors.rateLimited', { seconds: err.retryAfter })
      : t('errors.rateLimitedLater')
  }
  if (err.code === 'bad_response') return t('errors.server')
  return err.message || t('errors.unknown')
}

/**
 * Split an error into "belongs to field X" or "belongs to the whole form".
 * Only fields the form actually has are targeted; rate limits and server
 * failures always go to the top.
 */
export function routeError<F extends string>(
  err: unknown,
  fields: readonly F[],
  t: TFunction,
): { field: F | null; message: string } {
  const message = describeError(err, t)
  if (
    isApiError(err) &&
    err.field &&
    !err.isNetworkOrServer &&
    err.status !== 429 &&
    (fields as readonly string[]).includes(err.field)
  ) {
    return { field: err.field as F, message }
  }
  return { field: null, message }
}
