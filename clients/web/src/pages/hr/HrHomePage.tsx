import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, isAuthor, type Stage, type VacancyAdmin } from '../../api'
import { useAuth } from '../../auth'
import { ResourceView } from '../../components/Card'
import { useFormatDate } from '../../format'
import { useDebouncedCallback, useDocumentTitle, useResource } from '../../hooks'
import { useSocketEvent } from '../../socket'
import { translateOptional } from '../../i18n'
import { VacancyStatusTag } from '../../screening/tags'
import { HrNav } from './HrNav'
import { RoomsSection } from './RoomsSection'

/** The stages shown as columns on the dashboard home; the rest count in "total". */
const SHOWN: readonly Stage[] = ['started', 'finished', 'passed', 'not_passed', 'interview_scheduled', 'offer']

/** `/hr`: the organisation's vacancies with where their candidates are. */
export function HrHomePage() {
  const { t } = useTranslation()
  const { user } = useAuth()
  useDocumentTitle('title.hr')
  const vacancies = useResource(() => api.organisationVacancies().then((r) => r.vacancies))
  const reloadSoon = useDebouncedCallback(vacancies.reload, 1_000)
  useSocketEvent('pipeline.changed', reloadSoon)
  const author = user ? isAuthor(user.role) : false

  return (
    <div className="page" data-testid="hr-home">
      <div className="page-head page-head--row">
        <div>
          <h1>{t('hr.heading')}</h1>
          <p className="muted">{t('hr.intro', { organisation: user?.organisation?.name ?? '' })}</p>
        </div>
        {author ? (
          <Link to="/hr/vacancies/new" className="button button--primary" data-testid="new-vacancy">
            {t('hr.newVacancy')}
          </Link>
        ) : null}
      </div>
      <HrNav />
      <ResourceView resource={vacancies}>
        {(list) =>
          list.length === 0 ? (
            <div className="empty-state">
              <p className="empty-state__title">{t('hr.noVacancies')}</p>
              <p>{author ? t('hr.noVacanciesAuthor') : t('hr.noVacanciesReader')}</p>
            </div>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="hr-vacancies">
                <thead>
                  <tr>
                    <th scope="col">{t('hr.colVacancy')}</th>
                    <th scope="col">{t('hr.colStatus')}</th>
                    <th scope="col">{t('hr.colTrack')}</th>
                    {SHOWN.map((stage) => (
                      <th scope="col" key={stage} className="cell--num th--wrap">
                        {translateOptional('stages', stage)}
                      </th>
                    ))}
                    <th scope="col" className="cell--num">
                      {t('hr.colTotal')}
                    </th>
                    <th scope="col">{t('hr.colCreated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((v) => (
                    <VacancyRow key={v.id} vacancy={v} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
      <RoomsSection />
    </div>
  )
}

function VacancyRow({ vacancy }: { vacancy: VacancyAdmin }) {
  const fmt = useFormatDate()
  const total = Object.values(vacancy.counts).reduce<number>((sum, n) => sum + (n ?? 0), 0)
  return (
    <tr data-testid="hr-vacancy-row" data-vacancy-id={vacancy.id} data-status={vacancy.status}>
      <th scope="row" className="cell--name">
        <Link to={`/hr/vacancies/${vacancy.id}`}>{vacancy.title}</Link>
      </th>
      <td>
        <VacancyStatusTag status={vacancy.status} />
      </td>
      <td>{vacancy.track.name}</td>
      {SHOWN.map((stage) => (
        <td key={stage} className="cell--num" data-stage={stage}>
          {vacancy.counts[stage] ?? 0}
        </td>
      ))}
      <td className="cell--num" data-testid="hr-vacancy-total">
        {total}
      </td>
      <td className="cell--nowrap">
        <time dateTime={vacancy.created_at}>{fmt(vacancy.created_at, { dateStyle: 'medium' })}</time>
      </td>
    </tr>
  )
}
