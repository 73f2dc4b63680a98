import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import {
  api,
  candidatesCsvUrl,
  isApiError,
  isAuthor,
  percentValue,
  STAGES,
  type CandidateQuery,
  type CandidateRow,
  type CandidateSort,
  type Pipeline,
  type PipelineChanged,
  type SortOrder,
  type Stage,
} from '../../api'
import { useAuth } from '../../auth'
import { Card, InlineError, ResourceView } from '../../components/Card'
import { useFormatDate, useFormatters } from '../../format'
import { useDebouncedCallback, useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { useSocketConnected, useSocketEvent } from '../../socket'
import { upsertRow } from '../../screening/candidates'
import { Funnel } from '../../screening/Funnel'
import { StageTag, VacancyStatusTag } from '../../screening/tags'
import { NotFoundPage } from '../NotFoundPage'
import { HrNav } from './HrNav'

const SORTS: readonly CandidateSort[] = ['name', 'stage', 'score', 'started_at', 'finished_at']
const FLASH_MS = 2_500

function readQuery(params: URLSearchParams): Required<CandidateQuery> {
  const stage = params.get('stage') ?? ''
  const sort = params.get('sort') ?? ''
  const order = params.get('order') ?? ''
  return {
    stage: (STAGES as readonly string[]).includes(stage) ? (stage as Stage) : '',
    q: params.get('q') ?? '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as CandidateSort) : 'started_at',
    order: order === 'asc' ? 'asc' : 'desc',
  }
}

/** `/hr/vacancies/:id`: the funnel and the candidates of one vacancy, live. */
export function VacancyDashboardPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const { user } = useAuth()
  const author = user ? isAuthor(user.role) : false
  const [params, setParams] = useSearchParams()
  const query = readQuery(params)
  const queryKey = `${query.stage}|${query.q}|${query.sort}|${query.order}`

  const vacancy = useResource(() => api.organisationVacancy(id), id)
  useDocumentTitle('title.hrVacancy', vacancy.data?.title)

  const [pipeline, setPipeline] = useState<Pipeline | null>(null)
  const [pipelineError, setPipelineError] = useState<unknown>(null)
  const loadPipeline = useCallback(async () => {
    try {
      setPipeline(await api.pipeline(id))
      setPipelineError(null)
    } catch (err) {
      setPipelineError(err)
    }
  }, [id])

  const [rows, setRows] = useState<CandidateRow[] | null>(null)
  const [rowsError, setRowsError] = useState<unknown>(null)
  const [flash, setFlash] = useState<Record<string, number>>({})
  const queryRef = useRef(query)
  queryRef.current = query
  const ticket = useRef(0)
  const loadRows = useCallback(async () => {
    const mine = ++ticket.current
    const q = queryRef.current
    try {
      const { candidates } = await api.candidates(id, {
        stage: q.stage,
        q: q.q.trim(),
        sort: q.sort,
        order: q.order,
      })
      if (mine !== ticket.current) return
      setRows(candidates)
      setRowsError(null)
    } catch (err) {
      if (mine === ticket.current) setRowsError(err)
    }
  }, [id])

  useEffect(() => {
    void loadPipeline()
  }, [loadPipeline])
  useEffect(() => {
    void loadRows()
  }, [loadRows, queryKey])

  const loadPipelineSoon = useDebouncedCallback(() => void loadPipeline(), 300)
  // The server's own view of the list, once a burst of changes has settled.
  const loadRowsSoon = useDebouncedCallback(() => void loadRows(), 1_500)
  useSocketEvent<PipelineChanged>('pipeline.changed', (event) => {
    if (!event || event.vacancy_id !== id || !event.application) return
    const row = event.application
    const q = queryRef.current
    setRows((current) => (current ? upsertRow(current, row, q, q.sort, q.order) : current))
    setFlash((f) => ({ ...f, [row.application_id]: Date.now() }))
    loadPipelineSoon()
    loadRowsSoon()
  })
  useSocketConnected(() => {
    void loadPipeline()
    void loadRows()
  })

  useEffect(() => {
    const ids = Object.keys(flash)
    if (!ids.length) return
    const timer = window.setTimeout(() => {
      const now = Date.now()
      setFlash((f) => Object.fromEntries(Object.entries(f).filter(([, at]) => now - at < FLASH_MS)))
    }, FLASH_MS)
    return () => window.clearTimeout(timer)
  }, [flash])

  function update(changes: Partial<Record<'stage' | 'q' | 'sort' | 'order', string>>) {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v)
      else next.delete(k)
    }
    setParams(next, { replace: true })
  }

  if (isApiError(vacancy.error) && vacancy.error.status === 404) return <NotFoundPage />

  return (
    <div className="page" data-testid="vacancy-dashboard" data-vacancy-id={id}>
      <p className="breadcrumbs">
        <Link to="/hr">{t('hr.backToVacancies')}</Link>
      </p>
      <ResourceView resource={vacancy}>
        {(v) => (
          <div className="page-head page-head--row">
            <div>
              <h1 data-testid="dashboard-title">{v.title}</h1>
              <p className="item__meta">
                <VacancyStatusTag status={v.status} />
                <span>{v.track.name}</span>
                <span>{t('vacancy.passMarkShort', { mark: v.pass_mark })}</span>
                <span>{t('vacancy.minutes', { count: v.duration_minutes })}</span>
                {v.status === 'open' ? <Link to={`/vacancies/${v.id}`}>{t('hr.openOnBoard')}</Link> : null}
              </p>
            </div>
            {author ? (
              <Link to={`/hr/vacancies/${v.id}/edit`} className="button" data-testid="edit-vacancy">
                {t('hr.editVacancy')}
              </Link>
            ) : null}
          </div>
        )}
      </ResourceView>
      <HrNav />

      <div className="grid grid--dashboard">
        <Card id="funnel" title={t('funnel.heading')} className="card--wide">
          {pipelineError ? <InlineError error={pipelineError} onRetry={() => void loadPipeline()} /> : null}
          {pipeline ? (
            <Funnel funnel={pipeline.funnel} />
          ) : pipelineError ? null : (
            <p className="muted" role="status">
              {t('common.loading')}
            </p>
          )}
        </Card>

        <Card
          id="candidates"
          title={t('candidates.heading')}
          className="card--wide"
          actions={
            <a className="button button--small" href={candidatesCsvUrl(id, { stage: query.stage, q: query.q.trim(), sort: query.sort, order: query.order })} download data-testid="candidates-csv">
              {t('candidates.csv')}
            </a>
          }
        >
          <CandidateFilters
            stage={query.stage}
            q={query.q}
            onStage={(stage) => update({ stage })}
            onSearch={(q) => update({ q })}
          />
          {rowsError ? <InlineError error={rowsError} onRetry={() => void loadRows()} /> : null}
          {rows === null ? (
            rowsError ? null : (
              <p className="muted" role="status">
                {t('common.loading')}
              </p>
            )
          ) : rows.length === 0 ? (
            <p className="muted" data-testid="candidates-empty">
              {query.stage || query.q ? t('candidates.noneMatch') : t('candidates.none')}
            </p>
          ) : (
            <CandidateTable
              rows={rows}
              sort={query.sort}
              order={query.order}
              flash={flash}
              onSort={(sort) =>
                update({
                  sort,
                  order: sort === query.sort ? (query.order === 'asc' ? 'desc' : 'asc') : sort === 'name' || sort === 'stage' ? 'asc' : 'desc',
                })
              }
            />
          )}
          <p className="muted field-hint">{t('candidates.signalsNote')}</p>
        </Card>
      </div>
    </div>
  )
}

function CandidateFilters({
  stage,
  q,
  onStage,
  onSearch,
}: {
  stage: Stage | ''
  q: string
  onStage: (stage: string) => void
  onSearch: (q: string) => void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(q)
  const timer = useRef<number | undefined>(undefined)
  useEffect(() => setText(q), [q])
  useEffect(() => () => window.clearTimeout(timer.current), [])
  return (
    <form className="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); window.clearTimeout(timer.current); onSearch(text) }}>
      <label htmlFor="candidates-stage" className="toolbar__label">
        {t('candidates.stage')}
      </label>
      <select id="candidates-stage" data-testid="candidates-stage-filter" value={stage} onChange={(e) => onStage(e.target.value)}>
        <option value="">{t('candidates.allStages')}</option>
        {STAGES.map((s) => (
          <option key={s} value={s}>
            {translateOptional('stages', s)}
          </option>
        ))}
      </select>
      <label htmlFor="candidates-q" className="toolbar__label">
        {t('candidates.search')}
      </label>
      <input
        id="candidates-q"
        type="search"
        data-testid="candidates-search"
        value={text}
        placeholder={t('candidates.searchPlaceholder')}
        onChange={(e) => {
          const value = e.target.value
          setText(value)
          window.clearTimeout(timer.current)
          timer.current = window.setTimeout(() => onSearch(value), 350)
        }}
      />
    </form>
  )
}

function CandidateTable({
  rows,
  sort,
  order,
  flash,
  onSort,
}: {
  rows: CandidateRow[]
  sort: CandidateSort
  order: SortOrder
  flash: Record<string, number>
  onSort: (sort: CandidateSort) => void
}) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const f = useFormatters()
  const header = (column: CandidateSort, label: string) => (
    <th scope="col" aria-sort={sort === column ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-button" data-testid={`sort-${column}`} onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-button__arrow">
          {sort === column ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  )
  return (
    <div className="table-wrap">
      <table className="table" data-testid="candidates-table">
        <thead>
          <tr>
            {header('name', t('candidates.colName'))}
            {header('stage', t('candidates.colStage'))}
            {header('score', t('candidates.colScore'))}
            {header('started_at', t('candidates.colStarted'))}
            {header('finished_at', t('candidates.colFinished'))}
            <th scope="col">{t('candidates.colSignals')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.application_id}
              className={flash[row.application_id] ? 'row--flash' : undefined}
              data-testid="candidate-row"
              data-email={row.candidate.email}
              data-stage={row.stage}
              data-application-id={row.application_id}
            >
              <th scope="row" className="cell--name">
                <Link to={`/hr/applications/${row.application_id}`}>{row.candidate.full_name || row.candidate.email}</Link>
                <span className="cell-note">{row.candidate.email}</span>
              </th>
              <td data-testid="stage-cell" data-stage={row.stage}>
                <StageTag stage={row.stage} />
              </td>
              <td className="cell--nowrap" data-testid="score-cell">
                {f.percent(percentValue(row.score_percent))}
              </td>
              <td className="cell--nowrap">{row.started_at ? <time dateTime={row.started_at}>{fmt(row.started_at)}</time> : '—'}</td>
              <td className="cell--nowrap">{row.finished_at ? <time dateTime={row.finished_at}>{fmt(row.finished_at)}</time> : '—'}</td>
              <td>
                <SignalBadges signals={row.signals} similarity={row.similarity_flags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Neutral markers: there is something to look at in the report; not a judgement. */
export function SignalBadges({ signals, similarity }: { signals: number; similarity: number }) {
  const { t } = useTranslation()
  if (!signals && !similarity) return <span className="muted">—</span>
  return (
    <span className="badges">
      {signals ? (
        <span className="tag tag--bare tag--neutral" data-testid="integrity-badge" title={t('candidates.signalsTitle')}>
          {t('candidates.signals', { count: signals })}
        </span>
      ) : null}
      {similarity ? (
        <span className="tag tag--bare tag--neutral" data-testid="similarity-badge" title={t('candidates.similarityTitle')}>
          {t('candidates.similarity', { count: similarity })}
        </span>
      ) : null}
    </span>
  )
}
