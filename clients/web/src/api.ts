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
  /** Screening: the attempt's time is over (server clock); nothing more is accepted. */
  | 'attempt_over'
  | 'vacancy_closed'
  | 'invalid_package'
  | 'unknown_language'
  | 'judge_busy'
  /** Rooms: the interview has ended; another candidate took the seat; a file exists. */
  | 'room_ended'
  | 'seat_taken'
  | 'editor_locked'
  | 'running_disabled'
  | 'file_exists'
  | 'scorecard_submitted'
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
  /** The server's list of problems (e.g. an invalid task package), when it sends one. */
  readonly problems: string[]

  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    retryAfter?: number,
    problems: string[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.retryAfter = retryAfter
    this.problems = problems
  }

  /** True for failures the user can't fix by editing the form. */
  get isNetworkOrServer(): boolean {
    return this.status === 0 || this.status >= 500
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

// --- screening: the board, attempts, authoring and the pipeline ------------
// (docs/screening-api.md)

export interface TrackRef {
  id: string
  slug: string
  name: string
}

export interface OrganisationName {
  id: string
  name: string
}

export type VacancyStatus = 'draft' | 'open' | 'closed'
export const VACANCY_STATUSES: readonly VacancyStatus[] = ['draft', 'open', 'closed']

/** A percentage as the server sends it: a number, or a decimal in a string. */
export type Percent = number | string

export interface VacancyCard {
  id: string
  title: string
  description: string
  organisation: OrganisationName
  track: TrackRef
  pass_mark: number
  duration_minutes: number
  /** How many tasks the assessment has. */
  tasks: number
  quiz_questions: number
  languages: string[]
}

export type AttemptStatus = 'active' | 'finished'

export interface VacancyDetail extends VacancyCard {
  my_attempt: { id: string; status: AttemptStatus } | null
}

export interface AttemptSummary {
  id: string
  vacancy: { id: string; title: string; organisation: OrganisationName | string | null }
  status: AttemptStatus
  started_at: string
  deadline: string
  finished_at: string | null
  score_percent: Percent | null
  passed: boolean | null
}

export interface LanguageInfo {
  id: string
  name: string
  version: string
}

export interface Sample {
  name: string
  input: string
  answer: string
}

/** A judge job's state. */
export type JobStatus = 'queued' | 'running' | 'done'

export interface SubmissionSummary {
  id: string
  status: JobStatus
  /** Sample runs appear in the list too, marked so. */
  samples_only?: boolean
  language: string
  created_at: string
  verdict: string | null
  score: number | null
  max_score: number | null
}

/** A task as a candidate may see it (server/tasks.py `statements`): never its hidden tests. */
export interface TaskStatement {
  id: string
  title: string
  statement: string
  limits: { cpu_ms: number; memory_mb: number }
  samples: Sample[]
}

export interface AttemptTask extends TaskStatement {
  weight: number
  max_score: number
  starter_code: Record<string, string>
  drafts: Record<string, { source: string; updated_at: string }>
  submissions: SubmissionSummary[]
  best_score: number | null
}

export type QuestionKind = 'single' | 'multiple' | 'text' | 'numeric'
export const QUESTION_KINDS: readonly QuestionKind[] = ['single', 'multiple', 'text', 'numeric']

export type Answer = { choice: number } | { choices: number[] } | { text: string } | { value: number }

export interface AttemptQuestion {
  position: number
  kind: QuestionKind
  prompt: string
  options: string[]
  points: number
  answer: Answer | null
}

export interface Result {
  score_percent: Percent
  pass_mark: number
  passed: boolean
  pending_submissions: number
  tasks: { task_id: string; title: string; score: number; max_score: number; weight: number }[]
  quiz: {
    earned: number
    max: number
    weight: number
    questions: { position: number; earned: number; points: number }[]
  }
}

export interface Attempt {
  id: string
  status: AttemptStatus
  vacancy: { id: string; title: string; organisation: OrganisationName }
  started_at: string
  deadline: string
  /** The server's clock when the answer was made: the timer counts from it. */
  server_time: string
  finished_at: string | null
  finish_reason: 'submitted' | 'deadline' | null
  languages: LanguageInfo[]
  tasks: AttemptTask[]
  questions: AttemptQuestion[]
  result: Result | null
}

export interface TestResult {
  name: string
  group: string
  verdict: string
  cpu_ms: number
  wall_ms?: number
  memory_kb: number
  exit_code?: number | null
  signal?: string | null
  message?: string
  /** Visible (sample) tests only: what the program printed. */
  stdout?: string | null
  stderr?: string | null
  /** The expected output, when the server sends it with the test. */
  answer?: string | null
  expected?: string | null
}

export interface GroupResult {
  name: string
  points: number
  earned: number
  verdict: string
  skipped: boolean
}

/** `GET /submissions/{id}` and the `submission.finished` event. */
export interface SubmissionDetail {
  id: string
  task_id: string
  status: JobStatus
  language: string
  created_at?: string
  verdict: string | null
  score: number | null
  max_score: number | null
  compile_output: string | null
  cpu_ms: number | null
  memory_kb: number | null
  tests: TestResult[] | null
  groups: GroupResult[] | null
  samples_only?: boolean
  attempt_id?: string | null
}

export type IntegrityKind =
  | 'tab_hidden'
  | 'tab_visible'
  | 'focus_lost'
  | 'focus_regained'
  | 'paste'
  | 'fullscreen_exit'
  | 'fullscreen_enter'

export interface IntegrityEvent {
  kind: IntegrityKind
  at: string
  details?: Details
}

// authoring

export interface Track extends TrackRef {
  description: string
  questions: number
  vacancies: number
}

export interface TaskSummary {
  id: string
  title: string
  track_id: string | null
  origin: string | null
  max_score: number
  tests: number
  samples: number
  created_at: string
}

export type CheckerKind = 'exact' | 'tokens' | 'float' | 'custom'
export const CHECKER_KINDS: readonly CheckerKind[] = ['tokens', 'exact', 'float', 'custom']

export interface Checker {
  kind: CheckerKind
  abs_tolerance?: number
  rel_tolerance?: number
  language?: string | null
  source?: string | null
}

export interface NewTestCase {
  input: string
  answer: string
  visible?: boolean
}

export interface NewTaskRequest {
  title: string
  statement: string
  track_id?: string
  limits?: { cpu_ms: number; memory_mb: number }
  checker?: Checker
  stop_on_first_failure?: boolean
  starter_code?: Record<string, string>
  groups: { name: string; points: number; tests: NewTestCase[] }[]
}

export interface TaskDetail {
  id: string
  title: string
  statement: string
  track_id: string | null
  limits: { cpu_ms: number; memory_mb: number; [limit: string]: number }
  checker: Checker
  starter_code: Record<string, string>
  origin: string | null
  groups: {
    name: string
    points: number
    tests: { name: string; input: string; answer: string; visible: boolean }[]
  }[]
}

export type AnswerKey =
  | { correct: number }
  | { correct: number[] }
  | { accepted: string[]; pattern: string | null; case_sensitive: boolean }
  | { value: number; tolerance: number }

export interface Question {
  id: string
  track_id: string
  kind: QuestionKind
  prompt: string
  options: string[]
  answer_key: AnswerKey
  points: number
  is_active: boolean
}

export interface NewQuestionRequest {
  track_id: string
  kind: QuestionKind
  prompt: string
  options?: string[]
  answer_key: AnswerKey
  points?: number
}

export interface UpdateQuestionRequest {
  prompt?: string
  options?: string[]
  answer_key?: AnswerKey
  points?: number
  is_active?: boolean
}

export interface VacancyAdmin extends Omit<VacancyCard, 'tasks'> {
  status: VacancyStatus
  quiz_weight: number
  tasks: { task_id: string; title: string; weight: number }[]
  counts: Partial<Record<Stage, number>>
  created_at: string
}

export interface VacancyRequest {
  title: string
  description: string
  track_id: string
  status?: VacancyStatus
  pass_mark: number
  duration_minutes: number
  quiz_questions: number
  quiz_weight: number
  languages: string[]
  tasks: { task_id: string; weight: number }[]
}

// pipeline

export type Stage =
  | 'applied'
  | 'invited'
  | 'registered'
  | 'started'
  | 'finished'
  | 'passed'
  | 'not_passed'
  | 'interview_scheduled'
  | 'interviewed'
  | 'offer'
  | 'rejected'

export const STAGES: readonly Stage[] = [
  'applied',
  'invited',
  'registered',
  'started',
  'finished',
  'passed',
  'not_passed',
  'interview_scheduled',
  'interviewed',
  'offer',
  'rejected',
]

export interface FunnelStage {
  stage: Stage
  count: number
  /** Applications that ever reached the stage (absent for side stages: not_passed, rejected). */
  reached?: number
  /** reached / reached of the first stage with any, 0..1 (absent with `reached`) */
  conversion?: number
}

export interface Pipeline {
  vacancy: { id: string; title: string; pass_mark: number }
  funnel: FunnelStage[]
}

export interface CandidateRow {
  application_id: string
  attempt_id: string | null
  candidate: { id: string; full_name: string; email: string }
  stage: Stage
  score_percent: Percent | null
  started_at: string | null
  finished_at: string | null
  stage_changed_at: string
  /** How many integrity events the attempt has. */
  signals: number
  similarity_flags: number
}

export type CandidateSort = 'score' | 'stage' | 'started_at' | 'finished_at' | 'name'
export type SortOrder = 'asc' | 'desc'

export interface CandidateQuery {
  stage?: Stage | ''
  q?: string
  sort?: CandidateSort
  order?: SortOrder
}

export interface ReportSubmission {
  id: string
  created_at: string
  language: string
  source: string
  verdict: string | null
  score: number | null
  max_score: number | null
  cpu_ms: number | null
  memory_kb: number | null
  tests: TestResult[] | null
  samples_only: boolean
  status?: JobStatus
  compile_output?: string | null
}

export interface Report {
  application: CandidateRow
  vacancy: { id: string; title: string; pass_mark: number }
  attempt: null | {
    id: string
    status: AttemptStatus
    started_at: string
    deadline: string
    finished_at: string | null
    finish_reason: 'submitted' | 'deadline' | null
    score_percent: Percent | null
    result: Result | null
  }
  tasks: { task_id: string; title: string; max_score: number; submissions: ReportSubmission[] }[]
  quiz: {
    position: number
    kind: QuestionKind
    prompt: string
    options: string[]
    answer: Answer | null
    answer_key: AnswerKey
    earned: number | null
    points: number
  }[]
  signals: {
    note: string
    events: { kind: IntegrityKind | string; at: string; details: Details | null }[]
    similarity: {
      task_id: string
      other_candidate: { id: string; full_name: string }
      similarity: number
      submission_id: string
      other_submission_id: string
    }[]
  }
  timeline: { at: string; kind: string; text: string }[]
}

/** `pipeline.changed`, to the organisation's staff. */
export interface PipelineChanged {
  vacancy_id: string
  application: CandidateRow
}

// --- live interview rooms ----------------------------------------------------
// (server/api/rooms.py, server/rooms.py, server/room_events.py)

export type RoomStatus = 'scheduled' | 'open' | 'ended'
/** One's role in a room: the candidate, an interviewer (interviewers, admins) or an observer (HR). */
export type RoomRole = 'candidate' | 'interviewer' | 'observer'
export type Decision = 'strong_hire' | 'hire' | 'no_hire' | 'strong_no_hire'
export const DECISIONS: readonly Decision[] = ['strong_hire', 'hire', 'no_hire', 'strong_no_hire']

export interface RoomDocument {
  id: string
  /** The y-websocket document name: "<room id>/<file name>". */
  name: string
  file_name: string
  language: string
}

export interface RoomParticipant {
  user_id: string
  role: RoomRole
  full_name: string
}

/** Who is connected now, since when (their earliest live connection) and in how many tabs. */
export interface Presence {
  user_id: string
  full_name: string
  since: string
  tabs: number
}

export interface RoomView {
  id: string
  title: string
  status: RoomStatus
  scheduled_at: string | null
  started_at: string | null
  ended_at: string | null
  editor_locked: boolean
  running_disabled: boolean
  task: { id: string; title: string } | null
  application_id: string | null
  participants: RoomParticipant[]
  documents: RoomDocument[]
  presence: Presence[]
}

export interface Room extends RoomView {
  my_role: RoomRole
  /** One room comes with its task's statement, limits and samples (a list names it only). */
  task: TaskStatement | null
}

/** A room one has a seat in (`GET /me/rooms`), across organisations. */
export interface MyRoom {
  id: string
  title: string
  status: RoomStatus
  my_role: RoomRole
  scheduled_at: string | null
  started_at: string | null
  ended_at: string | null
  organisation: { id: string; name: string }
  task: { title: string } | null
}

export interface NewRoomRequest {
  title: string
  files?: { file_name: string; language: string }[]
  task_id?: string
  application_id?: string
  /** ISO time; a room with one is "scheduled". */
  scheduled_at?: string
}

export interface CreatedRoom extends Room {
  /** The candidate's join link (path and invite secret), shown once. */
  join_link: string
}

export interface EditorToken {
  token: string
  docs: string[]
  can_write: boolean
  expires_in: number
}

export interface RoomMessage {
  id: number
  body: string
  at: string
  author: { id: string; full_name: string | null } | null
}

export interface RunStarted {
  room_id: string
  id: string
  file_name: string
  tests: boolean
  by: { id: string; full_name: string }
}

/** A run's or a test run's (submission's) view, with `kind`: `GET /rooms/:id/runs/:run` and `room.run.finished`. */
export interface RoomRun {
  kind: 'run' | 'submission'
  id: string
  status: JobStatus
  language: string
  created_at?: string
  verdict: string | null
  exit_code?: number | null
  signal?: string | null
  stdout?: string | null
  stderr?: string | null
  compile_output?: string | null
  cpu_ms: number | null
  wall_ms?: number | null
  memory_kb: number | null
  // submissions (the room's task's tests)
  task_id?: string
  score?: number | null
  max_score?: number | null
  tests?: TestResult[] | null
  groups?: GroupResult[] | null
}

export interface ScorecardCriterion {
  name: string
  /** 1 (poor) … 4 (excellent) */
  rating: number
  comment: string
}

export interface Scorecard {
  author: { id: string; full_name: string }
  criteria: ScorecardCriterion[]
  decision: Decision | null
  summary: string
  submitted_at: string | null
  updated_at: string
}

export interface ScorecardRequest {
  criteria: ScorecardCriterion[]
  decision: Decision | null
  summary: string
  submit: boolean
}

export interface HistoryUpdate {
  at: string
  author: { id: string; full_name: string | null } | null
  /** A Yjs update, base64. */
  update: string
}

export const API_PREFIX = '/api/v1'

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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

interface RequestOptions {
  /** Survives the page being closed (pagehide): integrity events, a last draft. */
  keepalive?: boolean
}

async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let payload: BodyInit | undefined
  if (body instanceof FormData) {
    payload = body // the browser sets the multipart Content-Type with its boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  if (requestLocale) headers['Accept-Language'] = requestLocale

  let response: Response
  try {
    response = await fetch(API_PREFIX + path, {
      method,
      credentials: 'same-origin',
      headers,
      body: payload,
      keepalive: options.keepalive,
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
    const problems =
      envelope && Array.isArray(envelope.problems)
        ? envelope.problems.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
        : []
    throw new ApiError(
      response.status,
      code,
      message,
      field,
      parseRetryAfter(response.headers.get('Retry-After')),
      problems,
    )
  }

  if (!isRecord(data)) {
    throw new ApiError(response.status, 'bad_response', 'Unexpected response from the server')
  }
  return data as T
}

/** A query string from the given values, leaving out empty ones: "?a=1&b=x" or "". */
export function queryString(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
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
  myRooms: () => request<{ rooms: MyRoom[] }>('GET', '/me/rooms'),

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

  // --- judge --------------------------------------------------------------
  languages: () => request<{ languages: LanguageInfo[]; workers: number }>('GET', '/languages'),
  submission: (id: string) => request<SubmissionDetail>('GET', `/submissions/${enc(id)}`),

  // --- vacancy board (anyone) -------------------------------------------------
  vacancies: (track?: string) =>
    request<{ vacancies: VacancyCard[]; tracks: TrackRef[] }>(
      'GET',
      `/vacancies${queryString({ track })}`,
    ),
  vacancy: (id: string) => request<VacancyDetail>('GET', `/vacancies/${enc(id)}`),

  // --- attempts (candidate) -------------------------------------------------
  startAttempt: (vacancyId: string) =>
    request<Attempt>('POST', `/vacancies/${enc(vacancyId)}/attempts`),
  attempts: () => request<{ attempts: AttemptSummary[] }>('GET', '/attempts'),
  attempt: (id: string) => request<Attempt>('GET', `/attempts/${enc(id)}`),
  saveDraft: (
    attemptId: string,
    taskId: string,
    body: { language: string; source: string },
    options?: RequestOptions,
  ) =>
    request<void>(
      'PUT',
      `/attempts/${enc(attemptId)}/tasks/${enc(taskId)}/draft`,
      body,
      options,
    ),
  runSamples: (attemptId: string, taskId: string, body: { language: string; source: string }) =>
    request<{ id: string }>('POST', `/attempts/${enc(attemptId)}/tasks/${enc(taskId)}/runs`, body),
  submitSolution: (attemptId: string, taskId: string, body: { language: string; source: string }) =>
    request<{ id: string }>(
      'POST',
      `/attempts/${enc(attemptId)}/tasks/${enc(taskId)}/submissions`,
      body,
    ),
  saveAnswer: (attemptId: string, position: number, answer: Answer) =>
    request<{ position: number; answer: Answer }>(
      'PUT',
      `/attempts/${enc(attemptId)}/answers/${enc(position)}`,
      { answer },
    ),
  reportEvents: (attemptId: string, events: IntegrityEvent[], options?: RequestOptions) =>
    request<void>('POST', `/attempts/${enc(attemptId)}/events`, { events }, options),
  finishAttempt: (attemptId: string) =>
    request<Attempt>('POST', `/attempts/${enc(attemptId)}/finish`),

  // --- authoring (staff read, hr/admin write) --------------------------------
  tracks: () => request<{ tracks: Track[] }>('GET', '/organisation/tracks'),
  createTrack: (body: { name: string; slug?: string; description?: string }) =>
    request<Track>('POST', '/organisation/tracks', body),
  tasks: () => request<{ tasks: TaskSummary[] }>('GET', '/organisation/tasks'),
  task: (id: string) => request<TaskDetail>('GET', `/organisation/tasks/${enc(id)}`),
  createTask: (body: NewTaskRequest) => request<TaskDetail>('POST', '/organisation/tasks', body),
  importTask: (file: File, trackId?: string) => {
    const form = new FormData()
    form.append('package', file, file.name)
    if (trackId) form.append('track_id', trackId)
    return request<TaskDetail>('POST', '/organisation/tasks/import', form)
  },
  questions: (track?: string) =>
    request<{ questions: Question[] }>('GET', `/organisation/questions${queryString({ track })}`),
  createQuestion: (body: NewQuestionRequest) =>
    request<Question>('POST', '/organisation/questions', body),
  updateQuestion: (id: string, body: UpdateQuestionRequest) =>
    request<Question>('PATCH', `/organisation/questions/${enc(id)}`, body),
  organisationVacancies: () =>
    request<{ vacancies: VacancyAdmin[] }>('GET', '/organisation/vacancies'),
  organisationVacancy: (id: string) =>
    request<VacancyAdmin>('GET', `/organisation/vacancies/${enc(id)}`),
  createVacancy: (body: VacancyRequest) =>
    request<VacancyAdmin>('POST', '/organisation/vacancies', body),
  updateVacancy: (id: string, body: Partial<VacancyRequest>) =>
    request<VacancyAdmin>('PATCH', `/organisation/vacancies/${enc(id)}`, body),

  // --- pipeline (staff read, hr/admin write) ---------------------------------
  pipeline: (vacancyId: string) =>
    request<Pipeline>('GET', `/organisation/vacancies/${enc(vacancyId)}/pipeline`),
  candidates: (vacancyId: string, query: CandidateQuery = {}) =>
    request<{ candidates: CandidateRow[] }>(
      'GET',
      `/organisation/vacancies/${enc(vacancyId)}/candidates${queryString({ ...query })}`,
    ),
  report: (applicationId: string) =>
    request<Report>('GET', `/organisation/applications/${enc(applicationId)}`),
  changeStage: (applicationId: string, body: { stage: Stage; reason: string }) =>
    request<CandidateRow>('POST', `/organisation/applications/${enc(applicationId)}/stage`, body),
  // --- live interview rooms ---------------------------------------------------
  rooms: () => request<{ rooms: RoomView[] }>('GET', '/rooms'),
  createRoom: (body: NewRoomRequest) => request<CreatedRoom>('POST', '/rooms', body),
  room: (id: string) => request<Room>('GET', `/rooms/${enc(id)}`),
  joinRoom: (id: string, invite: string) =>
    request<Room>('POST', `/rooms/${enc(id)}/join`, { invite }),
  editorToken: (id: string) => request<EditorToken>('POST', `/rooms/${enc(id)}/token`),
  roomControls: (id: string, body: { editor_locked?: boolean; running_disabled?: boolean }) =>
    request<Room>('PATCH', `/rooms/${enc(id)}`, body),
  endRoom: (id: string) => request<Room>('POST', `/rooms/${enc(id)}/end`),
  addRoomFile: (id: string, body: { file_name: string; language: string }) =>
    request<{ documents: RoomDocument[] }>('POST', `/rooms/${enc(id)}/documents`, body),
  roomRun: (id: string, body: { file_name: string; stdin: string; tests: boolean }) =>
    request<{ id: string }>('POST', `/rooms/${enc(id)}/runs`, body),
  roomRunResult: (id: string, runId: string) =>
    request<RoomRun>('GET', `/rooms/${enc(id)}/runs/${enc(runId)}`),
  roomMessages: (id: string) => request<{ messages: RoomMessage[] }>('GET', `/rooms/${enc(id)}/messages`),
  sayInRoom: (id: string, body: string) =>
    request<RoomMessage>('POST', `/rooms/${enc(id)}/messages`, { body }),
  roomNotes: (id: string) => request<{ messages: RoomMessage[] }>('GET', `/rooms/${enc(id)}/notes`),
  addRoomNote: (id: string, body: string) =>
    request<RoomMessage>('POST', `/rooms/${enc(id)}/notes`, { body }),
  scorecards: (id: string) => request<{ scorecards: Scorecard[] }>('GET', `/rooms/${enc(id)}/scorecards`),
  saveScorecard: (id: string, body: ScorecardRequest) =>
    request<Scorecard>('PUT', `/rooms/${enc(id)}/scorecard`, body),
  documentHistory: (id: string, documentId: string) =>
    request<{ updates: HistoryUpdate[] }>(
      'GET',
      `/rooms/${enc(id)}/documents/${enc(documentId)}/history`,
    ),
} as const

/** Where the candidate table of a vacancy can be downloaded as CSV (same filters). */
export function candidatesCsvUrl(vacancyId: string, query: CandidateQuery = {}): string {
  return `${API_PREFIX}/organisation/vacancies/${enc(vacancyId)}/candidates.csv${queryString({ ...query })}`
}

/** Roles that may change authoring data and move candidates (hr, admin). */
export function isAuthor(role: Role): boolean {
  return role === 'hr' || role === 'admin'
}

/** A percentage from the server as a number (null stays null). */
export function percentValue(value: Percent | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(n) ? n : null
}

export function isStaff(role: Role): role is StaffRole {
  return role !== 'candidate'
}
