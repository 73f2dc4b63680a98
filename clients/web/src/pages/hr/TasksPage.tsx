import { useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { api, isApiError, isAuthor, type Track } from '../../api'
import { useAuth } from '../../auth'
import { Card, ResourceView } from '../../components/Card'
import { describeError } from '../../errors'
import { DATE_ONLY, useFormatDate } from '../../format'
import { useDocumentTitle, useResource } from '../../hooks'
import { HrNav } from './HrNav'

/** `/hr/tasks`: the organisation's task bank; hr/admin create or import tasks. */
export function TasksPage() {
  const { t } = useTranslation()
  const { user } = useAuth()
  const fmt = useFormatDate()
  useDocumentTitle('title.tasks')
  const tasks = useResource(() => api.tasks().then((r) => r.tasks))
  const tracks = useResource(() => api.tracks().then((r) => r.tracks))
  const author = user ? isAuthor(user.role) : false
  const trackName = (id: string | null) => (id ? tracks.data?.find((tr) => tr.id === id)?.name : null) ?? '—'

  return (
    <div className="page" data-testid="tasks-page">
      <div className="page-head page-head--row">
        <div>
          <h1>{t('tasks.heading')}</h1>
          <p className="muted">{t('tasks.intro')}</p>
        </div>
        {author ? (
          <Link to="/hr/tasks/new" className="button button--primary" data-testid="new-task">
            {t('tasks.new')}
          </Link>
        ) : null}
      </div>
      <HrNav />
      <div className="grid">
        <Card id="task-list" title={t('tasks.list')} className="card--wide">
          <ResourceView resource={tasks}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t('tasks.none')}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="task-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('tasks.colTitle')}</th>
                        <th scope="col">{t('tasks.colTrack')}</th>
                        <th scope="col">{t('tasks.colOrigin')}</th>
                        <th scope="col" className="cell--num">
                          {t('tasks.colPoints')}
                        </th>
                        <th scope="col" className="cell--num">
                          {t('tasks.colTests')}
                        </th>
                        <th scope="col" className="cell--num">
                          {t('tasks.colSamples')}
                        </th>
                        <th scope="col">{t('tasks.colCreated')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((task) => (
                        <tr key={task.id} data-testid="task-row">
                          <th scope="row" className="cell--name">
                            <Link to={`/hr/tasks/${task.id}`}>{task.title}</Link>
                          </th>
                          <td>{trackName(task.track_id)}</td>
                          <td>{task.origin ?? t('tasks.originForm')}</td>
                          <td className="cell--num">{task.max_score}</td>
                          <td className="cell--num">{task.tests}</td>
                          <td className="cell--num">{task.samples}</td>
                          <td className="cell--nowrap">
                            <time dateTime={task.created_at}>{fmt(task.created_at, DATE_ONLY)}</time>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
          </ResourceView>
        </Card>
        {author ? <ImportCard tracks={tracks.data ?? []} /> : null}
      </div>
    </div>
  )
}

function ImportCard({ tracks }: { tracks: Track[] }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const file = useRef<HTMLInputElement>(null)
  const [track, setTrack] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [problems, setProblems] = useState<string[]>([])
  const [busy, setBusy] = useState(false)

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    setError(null)
    setProblems([])
    const chosen = file.current?.files?.[0]
    if (!chosen) {
      setError(t('tasks.chooseFile'))
      file.current?.focus()
      return
    }
    setBusy(true)
    try {
      const task = await api.importTask(chosen, track || undefined)
      navigate(`/hr/tasks/${task.id}`)
    } catch (err) {
      setError(describeError(err, t))
      if (isApiError(err)) setProblems(err.problems)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card id="import-task" title={t('tasks.import')} testId="import-task-card">
      <p className="muted">{t('tasks.importIntro')}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="import-task-form">
        {error ? (
          <div className="form-error" role="alert" data-testid="import-error">
            <p>{error}</p>
            {problems.length ? (
              <ul className="problems" data-testid="import-problems">
                {problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="import-package">{t('tasks.package')}</label>
          <input id="import-package" ref={file} type="file" accept=".zip,application/zip" data-testid="import-package" />
        </div>
        <div className="field">
          <label htmlFor="import-track">{t('tasks.track')}</label>
          <select id="import-track" value={track} onChange={(e) => setTrack(e.target.value)}>
            <option value="">{t('tasks.noTrack')}</option>
            {tracks.map((tr) => (
              <option key={tr.id} value={tr.id}>
                {tr.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy || undefined}>
            {busy ? t('tasks.importing') : t('tasks.importSubmit')}
          </button>
        </div>
      </form>
    </Card>
  )
}
