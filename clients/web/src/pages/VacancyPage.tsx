import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom'
import { api, isApiError, type VacancyDetail } from '../api'
import { useAuth } from '../auth'
import { InlineError, ResourceView } from '../components/Card'
import { Markdown } from '../components/Markdown'
import { useDocumentTitle, useResource } from '../hooks'
import { languageName } from '../screening/languages'
import { NotFoundPage } from './NotFoundPage'

/** `/vacancies/:id`: what the assessment is, and the way into it. */
export function VacancyPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const { status } = useAuth()
  // Signed-in candidates get `my_attempt`; ask again once we know who is here.
  const vacancy = useResource(() => api.vacancy(id), `${id}|${status}`)
  useDocumentTitle('title.vacancy', vacancy.data?.title)

  if (isApiError(vacancy.error) && vacancy.error.status === 404) return <NotFoundPage />
  return (
    <div className="page" data-testid="vacancy-page">
      <p className="breadcrumbs">
        <Link to="/vacancies">{t('board.back')}</Link>
      </p>
      <ResourceView resource={vacancy}>{(v) => <VacancyView vacancy={v} />}</ResourceView>
    </div>
  )
}

function VacancyView({ vacancy }: { vacancy: VacancyDetail }) {
  const { t } = useTranslation()
  return (
    <div className="vacancy-layout">
      <article className="card vacancy-main" aria-labelledby="vacancy-title">
        <p className="vacancy-card__org">{vacancy.organisation.name}</p>
        <h1 id="vacancy-title" data-testid="vacancy-title">
          {vacancy.title}
        </h1>
        <p>
          <span className="tag tag--bare tag--accent" data-testid="vacancy-track">
            {vacancy.track.name}
          </span>
        </p>
        <Markdown text={vacancy.description} testId="vacancy-description" headingShift={1} />
      </article>
      <aside className="card vacancy-side" aria-labelledby="vacancy-assessment">
        <h2 id="vacancy-assessment">{t('vacancy.assessment')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('vacancy.duration')}</dt>
            <dd data-testid="vacancy-duration">{t('vacancy.minutes', { count: vacancy.duration_minutes })}</dd>
          </div>
          <div>
            <dt>{t('vacancy.tasks')}</dt>
            <dd data-testid="vacancy-tasks">{vacancy.tasks}</dd>
          </div>
          <div>
            <dt>{t('vacancy.questions')}</dt>
            <dd data-testid="vacancy-questions">{vacancy.quiz_questions}</dd>
          </div>
          <div>
            <dt>{t('vacancy.languages')}</dt>
            <dd data-testid="vacancy-languages">
              {vacancy.languages.length ? vacancy.languages.map(languageName).join(', ') : '—'}
            </dd>
          </div>
          <div>
            <dt>{t('vacancy.passMark')}</dt>
            <dd data-testid="vacancy-pass-mark">{t('vacancy.passMarkValue', { mark: vacancy.pass_mark })}</dd>
          </div>
        </dl>
        <StartPanel vacancy={vacancy} />
      </aside>
    </div>
  )
}

function StartPanel({ vacancy }: { vacancy: VacancyDetail }) {
  const { t } = useTranslation()
  const { status, user, handleUnauthenticated } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<unknown>(null)

  if (status === 'loading') return null
  if (!user) {
    return (
      <div className="start-panel">
        <p>{t('vacancy.signInToStart')}</p>
        <div className="row-actions">
          <Link to="/login" state={{ from: location.pathname }} className="button button--primary" data-testid="vacancy-sign-in">
            {t('vacancy.signIn')}
          </Link>
          <Link to="/register" state={{ from: location.pathname }} className="button">
            {t('vacancy.register')}
          </Link>
        </div>
      </div>
    )
  }
  if (user.role !== 'candidate') {
    return (
      <div className="start-panel">
        <p className="muted" data-testid="vacancy-staff-note">{t('vacancy.staffNote')}</p>
      </div>
    )
  }

  const mine = vacancy.my_attempt
  if (mine) {
    return (
      <div className="start-panel">
        <Link
          to={`/attempts/${mine.id}`}
          className="button button--primary button--block"
          data-testid={mine.status === 'active' ? 'resume-attempt' : 'see-result'}
        >
          {mine.status === 'active' ? t('vacancy.resume') : t('vacancy.seeResult')}
        </Link>
        <p className="muted">{mine.status === 'active' ? t('vacancy.resumeNote') : t('vacancy.finishedNote')}</p>
      </div>
    )
  }

  async function start() {
    setStarting(true)
    setError(null)
    try {
      const attempt = await api.startAttempt(vacancy.id)
      navigate(`/attempts/${attempt.id}`)
    } catch (err) {
      if (isApiError(err) && err.status === 401) handleUnauthenticated()
      setError(err)
      setStarting(false)
    }
  }

  return (
    <div className="start-panel">
      <div className="callout callout--warn" id="start-note" data-testid="start-note">
        <p className="callout__title">{t('vacancy.timerTitle', { count: vacancy.duration_minutes })}</p>
        <p>{t('vacancy.timerNote')}</p>
        <p>{t('vacancy.oneAttempt')}</p>
      </div>
      {error ? <InlineError error={error} /> : null}
      <button
        type="button"
        className="button button--primary button--block"
        data-testid="start-attempt"
        aria-describedby="start-note"
        disabled={starting}
        aria-busy={starting || undefined}
        onClick={() => void start()}
      >
        {starting ? t('vacancy.starting') : t('vacancy.start')}
      </button>
    </div>
  )
}
