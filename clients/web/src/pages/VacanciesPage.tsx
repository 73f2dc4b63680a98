import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { api, type VacancyCard } from '../api'
import { ResourceView } from '../components/Card'
import { markdownExcerpt } from '../components/Markdown'
import { useDocumentTitle, useResource } from '../hooks'
import { languageName } from '../screening/languages'

/** `/vacancies`: the open vacancies of every organisation, filtered by track (in the URL). */
export function VacanciesPage() {
  const { t } = useTranslation()
  useDocumentTitle('title.vacancies')
  const [params, setParams] = useSearchParams()
  const track = params.get('track') ?? ''
  const board = useResource(() => api.vacancies(track || undefined), track)

  function chooseTrack(next: string) {
    setParams(next ? { track: next } : {}, { replace: true })
  }

  return (
    <div className="page" data-testid="vacancy-board">
      <div className="page-head">
        <h1>{t('board.heading')}</h1>
        <p className="muted">{t('board.intro')}</p>
      </div>
      <ResourceView resource={board}>
        {({ vacancies, tracks }) => (
          <>
            <div className="toolbar" role="group" aria-label={t('board.trackFilter')}>
              <label htmlFor="board-track" className="toolbar__label">
                {t('board.track')}
              </label>
              <select
                id="board-track"
                data-testid="board-track-filter"
                value={track}
                onChange={(e) => chooseTrack(e.target.value)}
              >
                <option value="">{t('board.allTracks')}</option>
                {tracks.map((tr) => (
                  <option key={tr.id} value={tr.id}>
                    {tr.name}
                  </option>
                ))}
                {track && !tracks.some((tr) => tr.id === track) ? (
                  <option value={track}>{t('board.unknownTrack')}</option>
                ) : null}
              </select>
              <span className="muted" role="status">
                {t('board.count', { count: vacancies.length })}
              </span>
            </div>
            {vacancies.length === 0 ? (
              <div className="empty-state">
                <p className="empty-state__title">{t('board.empty')}</p>
                {track ? (
                  <button type="button" className="button button--small" onClick={() => chooseTrack('')}>
                    {t('board.showAll')}
                  </button>
                ) : (
                  <p className="muted">{t('board.emptyHint')}</p>
                )}
              </div>
            ) : (
              <ul className="vacancy-grid">
                {vacancies.map((v) => (
                  <VacancyCardItem key={v.id} vacancy={v} />
                ))}
              </ul>
            )}
          </>
        )}
      </ResourceView>
    </div>
  )
}

function VacancyCardItem({ vacancy }: { vacancy: VacancyCard }) {
  const { t } = useTranslation()
  const titleId = `vacancy-${vacancy.id}-title`
  return (
    <li className="card vacancy-card" data-testid="vacancy-card" data-vacancy-id={vacancy.id} aria-labelledby={titleId}>
      <p className="vacancy-card__org">{vacancy.organisation.name}</p>
      <h2 id={titleId} className="vacancy-card__title">
        <Link to={`/vacancies/${vacancy.id}`} className="stretched-link">
          {vacancy.title}
        </Link>
      </h2>
      <p className="vacancy-card__track">
        <span className="tag tag--bare tag--accent">{vacancy.track.name}</span>
      </p>
      <p className="vacancy-card__text">{markdownExcerpt(vacancy.description)}</p>
      <ul className="chips" aria-label={t('vacancy.facts')}>
        <li>{t('vacancy.minutes', { count: vacancy.duration_minutes })}</li>
        <li>{t('vacancy.taskCount', { count: vacancy.tasks })}</li>
        <li>{t('vacancy.questionCount', { count: vacancy.quiz_questions })}</li>
        <li>{t('vacancy.passMarkShort', { mark: vacancy.pass_mark })}</li>
      </ul>
      {vacancy.languages.length ? (
        <p className="vacancy-card__languages muted">
          {vacancy.languages.map(languageName).join(' · ')}
        </p>
      ) : null}
    </li>
  )
}
