import { percentValue, STAGES, type CandidateQuery, type CandidateRow, type CandidateSort, type SortOrder } from '../api'

function time(iso: string | null): number | null {
  if (!iso) return null
  const n = Date.parse(iso)
  return Number.isNaN(n) ? null : n
}

function key(row: CandidateRow, sort: CandidateSort): number | string | null {
  switch (sort) {
    case 'score':
      return percentValue(row.score_percent)
    case 'stage':
      return STAGES.indexOf(row.stage)
    case 'started_at':
      return time(row.started_at)
    case 'finished_at':
      return time(row.finished_at)
    case 'name':
      return (row.candidate.full_name || row.candidate.email).toLocaleLowerCase()
  }
}

/** The server's order (empty values last either way), for placing a row a live update brought. */
export function sortRows(rows: CandidateRow[], sort: CandidateSort, order: SortOrder): CandidateRow[] {
  const sign = order === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const x = key(a, sort)
    const y = key(b, sort)
    if (x === null && y === null) return 0
    if (x === null) return 1
    if (y === null) return -1
    if (typeof x === 'string' && typeof y === 'string') return sign * x.localeCompare(y)
    return sign * (Number(x) - Number(y))
  })
}

/** Would the server list this row under these filters? (stage; name or e-mail contains q) */
export function matches(row: CandidateRow, query: CandidateQuery): boolean {
  if (query.stage && row.stage !== query.stage) return false
  const q = query.q?.trim().toLocaleLowerCase()
  if (q) {
    const text = `${row.candidate.full_name} ${row.candidate.email}`.toLocaleLowerCase()
    if (!text.includes(q)) return false
  }
  return true
}

/** Put a changed row in its place: replaced, added, or dropped when it no longer matches. */
export function upsertRow(
  rows: CandidateRow[],
  row: CandidateRow,
  query: CandidateQuery,
  sort: CandidateSort,
  order: SortOrder,
): CandidateRow[] {
  const others = rows.filter((r) => r.application_id !== row.application_id)
  return matches(row, query) ? sortRows([...others, row], sort, order) : others
}
