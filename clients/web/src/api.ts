/**
 * Typed client for the Sobes HTTP API (same origin, cookie sessions).
 *
 * Every request goes through `request()`, which
 *  - always sends `credentials: 'same-origin'`,
 *  - sends JSON bodies with `Content-Type: application/json`,
 *  - turns the server's error envelope `{"error": {code, message, field?}}`
 *    (and network failures) into an `ApiError`.
 */

export type Role = 'candidate' | 'interviewer' | 'hr' | 'admin'
export type StaffRole = Exclude<Role, 'candidate'>
export type Locale = 'en' | 'ru'

export const ROLES: readonly Role[] = ['candidate', 'interviewer', 'hr', 'admin']
export const STAFF_ROLES: readonly StaffRole[] = ['interviewer', 'hr', 'admin']
export const LOCALES: readonly Locale[] = ['en', 'ru']

/** Identifiers are UUID strings; event/session ids are accepted as numbers too. */
export type Id = string | number

export interface OrganisationRef {
  id: string
  name: string
  slug: string
}

export interface User {
  id: string
  email: string
  full_name: string
  role: Role
  locale: Locale
  created_at: string
  organisation: OrganisationRef | null
}

export interface Session {
  id: Id
  created_at: string
  last_seen_at: string
  expires_at: string
  ip: string | null
  user_agent: string | null
  current: boolean
}

export type Details = Record<string, unknown>

export interface ActivityEvent {
  id: Id
  at: string
  action: string
  ip: string | null
  details: Details | null
}

export interface Organisation extends OrganisationRef {
  created_at: string
}

export interface Member {
  id: string
  email: string
  full_name: string
  role: Role
  is_active: boolean
  created_at: string
}

export interface AuditEvent {
  id: Id
  at: string
  actor: { id: string; email: string } | null
  action: string
  target: string | Details | null
  ip: string | null
  details: Details | null
}

export interface RegisterRequest {
  email: string
  password: string
  full_name: string
  locale?: Locale
}

export interface LoginRequest {
  email: string
  password: string
}

export interface UpdateMeRequest {
  full_name?: string
  locale?: Locale
}

export interface CreateMemberRequest {
  email: string
  password: string
  full_name: string
  role: StaffRole
}

export interface UpdateMemberRequest {
  role?: StaffRole
  is_active?: boolean
}

/** Error codes documented by the server; others may appear and are kept as-is. */
export type KnownErrorCode =
  | 'validation_failed'
  | 'email_taken'
  | 'invalid_credentials'
  | 'rate_limited'
  | 'not_authenticated'
  | 'forbidden'
  | 'not_found'
  | 'database_unavailable'
  /** Client-side codes: no response / unreadable response. */
  | 'network_error'
  | 'bad_response'
  | 'server_error'
  | 'http_error'

export class ApiError extends Error {
  readonly status: number
  readonly code: KnownErrorCode | (string & {})
  readonly field: string | undefined
  /** Seconds from the `Retry-After` header (429), when present. */
  readonly retryAfter: number | undefined

  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    retryAfter?: number,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.retryAfter = retryAfter
  }

  /** True for failures the user can't fix by editing the form. */
  get isNetworkOrServer(): boolean {
    return this.status === 0 || this.status >= 500
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

const API_PREFIX = '/api/v1'

let requestLocale: Locale | undefined

/** Sent as `Accept-Language` so the server may localise its messages. */
export function setRequestLocale(locale: Locale): void {
  requestLocale = locale
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  const seconds = Number(value.trim())
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds))
  const date = Date.parse(value)
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000))
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (requestLocale) headers['Accept-Language'] = requestLocale

  let response: Response
  try {
    response = await fetch(API_PREFIX + path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network_error', 'Network error')
  }

  if (response.status === 204) return undefined as T

  let data: unknown = null
  let text = ''
  try {
    text = await response.text()
  } catch {
    throw new ApiError(0, 'network_error', 'Network error')
  }
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }

  if (!response.ok) {
    const envelope = isRecord(data) && isRecord(data.error) ? data.error : null
    const code =
      envelope && typeof envelope.code === 'string'
        ? envelope.code
        : response.status >= 500
          ? 'server_error'
          : 'http_error'
    const message =
      envelope && typeof envelope.message === 'string' && envelope.message
        ? envelope.message
        : response.statusText || `HTTP ${response.status}`
    const field = envelope && typeof envelope.field === 'string' ? envelope.field : undefined
    throw new ApiError(
      response.status,
      code,
      message,
      field,
      parseRetryAfter(response.headers.get('Retry-After')),
    )
  }

  if (!isRecord(data)) {
    throw new ApiError(response.status, 'bad_response', 'Unexpected response from the server')
  }
  return data as T
}

const enc = (id: Id) => encodeURIComponent(String(id))

export const api = {
  // --- auth ---------------------------------------------------------------
  register: (body: RegisterRequest) =>
    request<{ user: User }>('POST', '/auth/register', body),
  login: (body: LoginRequest) => request<{ user: User }>('POST', '/auth/login', body),
  logout: () => request<void>('POST', '/auth/logout'),

  // --- me -----------------------------------------------------------------
  me: () => request<{ user: User }>('GET', '/me'),
  updateMe: (body: UpdateMeRequest) => request<{ user: User }>('PATCH', '/me', body),
  sessions: () => request<{ sessions: Session[] }>('GET', '/me/sessions'),
  revokeSession: (id: Id) => request<void>('DELETE', `/me/sessions/${enc(id)}`),
  activity: () => request<{ events: ActivityEvent[] }>('GET', '/me/activity'),

  // --- organisation (staff) -----------------------------------------------
  organisation: () =>
    request<{ organisation: Organisation; members_count: number }>('GET', '/organisation'),
  members: () => request<{ members: Member[] }>('GET', '/organisation/members'),

  // --- organisation (admin) -----------------------------------------------
  createMember: (body: CreateMemberRequest) =>
    request<{ member: Member }>('POST', '/organisation/members', body),
  updateMember: (id: string, body: UpdateMemberRequest) =>
    request<{ member: Member }>('PATCH', `/organisation/members/${enc(id)}`, body),
  audit: (limit = 50) =>
    request<{ events: AuditEvent[] }>('GET', `/audit?limit=${encodeURIComponent(limit)}`),
} as const

export function isStaff(role: Role): role is StaffRole {
  return role !== 'candidate'
}
