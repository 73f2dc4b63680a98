import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, isAuthor, isStaff, type User } from '../api'
import { useAuth } from '../auth'
import { AccountCard } from '../components/AccountCard'
import { ActivityCard } from '../components/ActivityCard'
import { AddMemberCard } from '../components/AddMemberCard'
import { AssessmentsCard } from '../components/AssessmentsCard'
import { AUDIT_LIMIT, AuditCard } from '../components/AuditCard'
import { Card } from '../components/Card'
import { InterviewsCard } from '../components/InterviewsCard'
import { OrganisationCard } from '../components/OrganisationCard'
import { SessionsCard } from '../components/SessionsCard'
import { TeamCard } from '../components/TeamCard'
import { useDocumentTitle, useResource } from '../hooks'

export function HomePage() {
  const { user } = useAuth()
  useDocumentTitle('title.home')
  if (!user) return null
  return isStaff(user.role) ? <StaffHome user={user} /> : <CandidateHome user={user} />
}

function Greeting({ user, intro }: { user: User; intro: string }) {
  const { t } = useTranslation()
  return (
    <div className="page-head">
      <h1 data-testid="home-heading">{t('home.welcome', { name: user.full_name })}</h1>
      <p className="muted">{intro}</p>
    </div>
  )
}

function CandidateHome({ user }: { user: User }) {
  const { t } = useTranslation()
  return (
    <div className="page" data-testid="home-candidate">
      <Greeting user={user} intro={t('home.candidateIntro')} />
      <div className="grid">
        <InterviewsCard />
        <AccountCard user={user} />
        <AssessmentsCard />
        <SessionsCard />
        <ActivityCard refreshKey={user.locale + user.full_name} />
      </div>
    </div>
  )
}

function StaffHome({ user }: { user: User }) {
  const { t } = useTranslation()
  const isAdmin = user.role === 'admin'
  const organisation = useResource(() => api.organisation())
  const members = useResource(() => api.members().then((r) => r.members))
  // Only admins may read the audit log; others never request it.
  const audit = useResource(() =>
    isAdmin ? api.audit(AUDIT_LIMIT).then((r) => r.events) : Promise.resolve([]),
  )
  const { reload: reloadOrganisation } = organisation
  const { reload: reloadMembers } = members
  const { reload: reloadAudit } = audit

  const onTeamChanged = useCallback(() => {
    reloadOrganisation()
    reloadMembers()
    reloadAudit()
  }, [reloadOrganisation, reloadMembers, reloadAudit])

  return (
    <div className="page" data-testid={isAdmin ? 'home-admin' : 'home-staff'}>
      <Greeting
        user={user}
        intro={t('home.staffIntro', { organisation: user.organisation?.name ?? '' })}
      />
      <div className="grid">
        <HiringCard user={user} />
        <InterviewsCard forStaff />
        <OrganisationCard resource={organisation} />
        <AccountCard user={user} />
        <TeamCard resource={members} me={user} canManage={isAdmin} onChanged={onTeamChanged} />
        {isAdmin ? <AddMemberCard onAdded={onTeamChanged} /> : null}
        <SessionsCard />
        <ActivityCard refreshKey={user.locale + user.full_name} />
        {isAdmin ? <AuditCard resource={audit} /> : null}
      </div>
    </div>
  )
}

/** The way into the hiring dashboard from the staff home. */
function HiringCard({ user }: { user: User }) {
  const { t } = useTranslation()
  const vacancies = useResource(() => api.organisationVacancies().then((r) => r.vacancies))
  const open = vacancies.data?.filter((v) => v.status === 'open').length
  return (
    <Card id="hiring" title={t('hr.heading')} testId="hiring-card">
      <p className="muted">
        {vacancies.data
          ? t('hr.summary', { count: vacancies.data.length, open: open ?? 0 })
          : t('hr.summaryUnknown')}
      </p>
      <div className="row-actions">
        <Link to="/hr" className="button button--primary" data-testid="home-hr-link">
          {t('hr.openDashboard')}
        </Link>
        {isAuthor(user.role) ? (
          <Link to="/hr/vacancies/new" className="button">
            {t('hr.newVacancy')}
          </Link>
        ) : null}
      </div>
      <p className="item__meta spaced">
        <Link to="/hr/tracks">{t('hr.navTracks')}</Link>
        <Link to="/hr/questions">{t('hr.navQuestions')}</Link>
        <Link to="/hr/tasks">{t('hr.navTasks')}</Link>
      </p>
    </Card>
  )
}
