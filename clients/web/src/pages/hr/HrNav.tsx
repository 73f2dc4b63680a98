import { useTranslation } from 'react-i18next'
import { NavLink } from 'react-router-dom'

/** Sections of the hiring dashboard. */
export function HrNav() {
  const { t } = useTranslation()
  const links = [
    { to: '/hr', label: t('hr.navVacancies'), end: true },
    { to: '/hr/tracks', label: t('hr.navTracks'), end: false },
    { to: '/hr/questions', label: t('hr.navQuestions'), end: false },
    { to: '/hr/tasks', label: t('hr.navTasks'), end: false },
  ]
  return (
    <nav className="subnav" aria-label={t('hr.navLabel')}>
      {links.map((link) => (
        <NavLink key={link.to} to={link.to} end={link.end} className="subnav__link">
          {link.label}
        </NavLink>
      ))}
    </nav>
  )
}
