import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import {
  api,
  isApiError,
  VACANCY_STATUSES,
  type LanguageInfo,
  type TaskSummary,
  type Track,
  type VacancyAdmin,
  type VacancyRequest,
  type VacancyStatus,
} from '../../api'
import { Card, InlineError } from '../../components/Card'
import { FormError } from '../../components/Field'
import { MarkdownField } from '../../components/MarkdownField'
import { describeError } from '../../errors'
import { useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { languageName } from '../../screening/languages'
import { NotFoundPage } from '../NotFoundPage'
import { HrNav } from './HrNav'

/** `/hr/vacancies/new` and `/hr/vacancies/:id/edit`. */
export function VacancyFormPage() {
  const { t } = useTranslation()
  const { id } = useParams()
  const editing = Boolean(id)
  const vacancy = useResource<VacancyAdmin | null>(() => (id ? api.organisationVacancy(id) : Promise.resolve(null)), id ?? '')
  const tracks = useResource(() => api.tracks().then((r) => r.tracks))
  const tasks = useResource(() => api.tasks().then((r) => r.tasks))
  const languages = useResource(() => api.languages().then((r) => r.languages))
  useDocumentTitle(editing ? 'title.editVacancy' : 'title.newVacancy', vacancy.data?.title)

  if (isApiError(vacancy.error) && vacancy.error.status === 404) return <NotFoundPage />
  const error = vacancy.error || tracks.error || tasks.error
  const ready = vacancy.data !== undefined && tracks.data && tasks.data

  return (
    <div className="page" data-testid="vacancy-form-page">
      <p className="breadcrumbs">
        {id ? <Link to={`/hr/vacancies/${id}`}>{t('vacancyForm.backToDashboard')}</Link> : <Link to="/hr">{t('hr.backToVacancies')}</Link>}
      </p>
      <div className="page-head">
        <h1>{editing ? t('vacancyForm.editHeading') : t('vacancyForm.newHeading')}</h1>
      </div>
      <HrNav />
      {error ? (
        <InlineError
          error={error}
          onRetry={() => {
            vacancy.reload()
            tracks.reload()
            tasks.reload()
          }}
        />
      ) : null}
      {ready ? (
        <VacancyForm
          vacancy={vacancy.data ?? null}
          tracks={tracks.data ?? []}
          tasks={tasks.data ?? []}
          languages={languages.data ?? []}
          languagesError={languages.error}
        />
      ) : error ? null : (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      )}
    </div>
  )
}

interface Chosen {
  task_id: string
  weight: string
}

function VacancyForm({
  vacancy,
  tracks,
  tasks,
  languages,
  languagesError,
}: {
  vacancy: VacancyAdmin | null
  tracks: Track[]
  tasks: TaskSummary[]
  languages: LanguageInfo[]
  languagesError: unknown
}) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [title, setTitle] = useState(vacancy?.title ?? '')
  const [description, setDescription] = useState(vacancy?.description ?? '')
  const [track, setTrack] = useState(vacancy?.track.id ?? tracks[0]?.id ?? '')
  const [status, setStatus] = useState<VacancyStatus>(vacancy?.status ?? 'draft')
  const [passMark, setPassMark] = useState(String(vacancy?.pass_mark ?? 60))
  const [duration, setDuration] = useState(String(vacancy?.duration_minutes ?? 60))
  const [quizCount, setQuizCount] = useState(String(vacancy?.quiz_questions ?? 10))
  const [quizWeight, setQuizWeight] = useState(String(vacancy?.quiz_weight ?? 1))
  const [langs, setLangs] = useState<string[]>(vacancy?.languages ?? [])
  const [chosen, setChosen] = useState<Chosen[]>(
    vacancy?.tasks.map((x) => ({ task_id: x.task_id, weight: String(x.weight) })) ?? [],
  )
  const [adding, setAdding] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const offered = [
    ...languages,
    ...langs.filter((l) => !languages.some((x) => x.id === l)).map((l) => ({ id: l, name: languageName(l), version: '' })),
  ]
  const pool = tracks.find((tr) => tr.id === track)?.questions
  const titleOf = (taskId: string) =>
    tasks.find((x) => x.id === taskId)?.title ?? vacancy?.tasks.find((x) => x.task_id === taskId)?.title ?? taskId
  const available = tasks.filter((x) => !chosen.some((c) => c.task_id === x.id))

  function move(index: number, step: number) {
    setChosen((list) => {
      const next = [...list]
      const [item] = next.splice(index, 1)
      if (item) next.splice(Math.max(0, Math.min(next.length, index + step)), 0, item)
      return next
    })
  }

  function build(): VacancyRequest | string {
    if (!title.trim()) return t('vacancyForm.needTitle')
    if (!track) return t('vacancyForm.needTrack')
    const numbers = {
      pass_mark: Number(passMark),
      duration_minutes: Number(duration),
      quiz_questions: Number(quizCount),
      quiz_weight: Number(quizWeight),
    }
    if (!Number.isInteger(numbers.pass_mark) || numbers.pass_mark < 0 || numbers.pass_mark > 100) return t('vacancyForm.badPassMark')
    if (!Number.isInteger(numbers.duration_minutes) || numbers.duration_minutes < 1 || numbers.duration_minutes > 1440)
      return t('vacancyForm.badDuration')
    if (!Number.isInteger(numbers.quiz_questions) || numbers.quiz_questions < 0) return t('vacancyForm.badQuizCount')
    if (!Number.isInteger(numbers.quiz_weight) || numbers.quiz_weight < 0) return t('vacancyForm.badQuizWeight')
    if (!langs.length) return t('vacancyForm.needLanguage')
    const picked = []
    for (const c of chosen) {
      const weight = Number(c.weight)
      if (!Number.isInteger(weight) || weight < 1) return t('vacancyForm.badWeight', { title: titleOf(c.task_id) })
      picked.push({ task_id: c.task_id, weight })
    }
    if (!picked.length && numbers.quiz_questions === 0) return t('vacancyForm.needContent')
    return { title: title.trim(), description, track_id: track, status, ...numbers, languages: langs, tasks: picked }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const body = build()
    if (typeof body === 'string') {
      setProblem(body)
      return
    }
    setProblem(null)
    setBusy(true)
    try {
      const saved = vacancy ? await api.updateVacancy(vacancy.id, body) : await api.createVacancy(body)
      navigate(`/hr/vacancies/${saved.id}`)
    } catch (err) {
      setProblem(describeError(err, t))
      setBusy(false)
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate data-testid="vacancy-form">
      <Card id="vf-basics" title={t('vacancyForm.basics')}>
        <div className="form form--grid">
          <div className="field form__full">
            <label htmlFor="vf-title">{t('vacancyForm.title')}</label>
            <input id="vf-title" type="text" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} required />
          </div>
          <MarkdownField id="vf-description" label={t('vacancyForm.description')} value={description} onChange={setDescription} rows={8} />
          <div className="field">
            <label htmlFor="vf-track">{t('vacancyForm.track')}</label>
            <select id="vf-track" value={track} onChange={(e) => setTrack(e.target.value)}>
              {tracks.length === 0 ? <option value="">{t('vacancyForm.noTracks')}</option> : null}
              {tracks.map((tr) => (
                <option key={tr.id} value={tr.id}>
                  {tr.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="vf-status">{t('vacancyForm.status')}</label>
            <select id="vf-status" data-testid="vf-status" value={status} onChange={(e) => setStatus(e.target.value as VacancyStatus)}>
              {VACANCY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {translateOptional('vacancyStatus', s)}
                </option>
              ))}
            </select>
            <p className="field-hint">{t('vacancyForm.statusHint')}</p>
          </div>
        </div>
      </Card>

      <Card id="vf-assessment" title={t('vacancyForm.assessment')}>
        <div className="form form--grid">
          <div className="field">
            <label htmlFor="vf-pass">{t('vacancyForm.passMark')}</label>
            <input id="vf-pass" type="number" min={0} max={100} value={passMark} onChange={(e) => setPassMark(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="vf-duration">{t('vacancyForm.duration')}</label>
            <input id="vf-duration" type="number" min={1} max={1440} value={duration} onChange={(e) => setDuration(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="vf-quiz">{t('vacancyForm.quizQuestions')}</label>
            <input id="vf-quiz" type="number" min={0} max={200} value={quizCount} onChange={(e) => setQuizCount(e.target.value)} />
            {pool !== undefined ? <p className="field-hint">{t('vacancyForm.pool', { count: pool })}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="vf-quiz-weight">{t('vacancyForm.quizWeight')}</label>
            <input id="vf-quiz-weight" type="number" min={0} max={1000} value={quizWeight} onChange={(e) => setQuizWeight(e.target.value)} />
            <p className="field-hint">{t('vacancyForm.weightHint')}</p>
          </div>
          <fieldset className="fieldset form__full">
            <legend>{t('vacancyForm.languages')}</legend>
            {languagesError ? <InlineError error={languagesError} /> : null}
            <div className="checkbox-row">
              {offered.map((l) => (
                <label key={l.id} className="option">
                  <input
                    type="checkbox"
                    checked={langs.includes(l.id)}
                    onChange={(e) => setLangs((ls) => (e.target.checked ? [...ls, l.id] : ls.filter((x) => x !== l.id)))}
                  />
                  <span>
                    {l.name}
                    {l.version ? <span className="muted"> {l.version}</span> : null}
                  </span>
                </label>
              ))}
            </div>
            {offered.length === 0 ? <p className="muted">{t('taskForm.noLanguages')}</p> : null}
          </fieldset>
        </div>
      </Card>

      <Card id="vf-tasks" title={t('vacancyForm.tasks')}>
        {chosen.length === 0 ? <p className="muted">{t('vacancyForm.noTasksChosen')}</p> : null}
        <ol className="item-list">
          {chosen.map((c, index) => (
            <li key={c.task_id} className="item" data-testid="vf-task">
              <div className="item__main">
                <p className="item__title">
                  {index + 1}. {titleOf(c.task_id)}
                </p>
              </div>
              <div className="row-actions">
                <label htmlFor={`vf-w-${c.task_id}`}>{t('vacancyForm.weight')}</label>
                <input
                  id={`vf-w-${c.task_id}`}
                  className="input--narrow"
                  type="number"
                  min={1}
                  max={1000}
                  value={c.weight}
                  onChange={(e) => setChosen((list) => list.map((x) => (x.task_id === c.task_id ? { ...x, weight: e.target.value } : x)))}
                />
                <button type="button" className="button button--small" disabled={index === 0} onClick={() => move(index, -1)} aria-label={t('vacancyForm.up')}>
                  ↑
                </button>
                <button type="button" className="button button--small" disabled={index === chosen.length - 1} onClick={() => move(index, 1)} aria-label={t('vacancyForm.down')}>
                  ↓
                </button>
                <button type="button" className="button button--small button--danger" onClick={() => setChosen((list) => list.filter((x) => x.task_id !== c.task_id))}>
                  {t('vacancyForm.remove')}
                </button>
              </div>
            </li>
          ))}
        </ol>
        {available.length ? (
          <div className="toolbar spaced">
            <label htmlFor="vf-add" className="toolbar__label">
              {t('vacancyForm.addTask')}
            </label>
            <select id="vf-add" value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">{t('vacancyForm.chooseTask')}</option>
              {available.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button--small"
              disabled={!adding}
              onClick={() => {
                setChosen((list) => [...list, { task_id: adding, weight: '1' }])
                setAdding('')
              }}
            >
              {t('vacancyForm.add')}
            </button>
          </div>
        ) : tasks.length === 0 ? (
          <p className="muted">
            {t('vacancyForm.noTasks')} <Link to="/hr/tasks">{t('hr.navTasks')}</Link>
          </p>
        ) : null}
      </Card>

      <FormError message={problem} />
      <div className="row-actions">
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy || undefined} data-testid="vacancy-form-submit">
          {vacancy ? t('vacancyForm.save') : t('vacancyForm.create')}
        </button>
        <Link to={vacancy ? `/hr/vacancies/${vacancy.id}` : '/hr'} className="button">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  )
}
