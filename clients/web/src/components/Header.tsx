import { useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, NavLink, useNavigate } from 'react-router-dom'
import { isStaff } from '../api'
import { useAuth } from '../auth'
import { LanguageSelect } from './LanguageSelect'
import { SocketStatus } from './SocketStatus'

export function Header() {
  const { t } = useTranslation()
  const { user, logout } = useAuth()
  const navigate = useNavigate()
  const [signingOut, setSigningOut] = useState(false)
  const header = useRef<HTMLElement>(null)

  // Sticky bars below the header (the assessment timer) sit under it: share its height.
  useLayoutEffect(() => {
    const el = header.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const root = document.documentElement
    const observer = new ResizeObserver(() => {
      const sticky = getComputedStyle(el).position === 'sticky'
      root.style.setProperty('--header-height', sticky ? `${el.offsetHeight}px` : '0px')
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  async function onSignOut() {
    setSigningOut(true)
    try {
      await logout()
      navigate('/login', { replace: true })
    } finally {
      setSigningOut(false)
    }
  }

  return (
    <header className="site-header" ref={header}>
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label={t('header.homeLink')}>
          <span className="brand__mark" aria-hidden="true">
            S
          </span>
          <span className="brand__name">{t('app.name')}</span>
        </Link>

        <nav className="site-nav" aria-label={t('header.nav')}>
          <NavLink to="/vacancies" className="site-nav__link" data-testid="nav-vacancies">
            {t('header.vacancies')}
          </NavLink>
          {user && isStaff(user.role) ? (
            <NavLink to="/hr" className="site-nav__link" data-testid="nav-hr">
              {t('header.hiring')}
            </NavLink>
          ) : null}
          {!user ? (
            <NavLink to="/login" className="site-nav__link">
              {t('header.signIn')}
            </NavLink>
          ) : null}
        </nav>

        <div className="site-header__tools">
          <SocketStatus />
          <LanguageSelect />
          {user ? (
            <div className="user-menu">
              <span className="user-menu__who" data-testid="header-user">
                <span className="user-menu__name" data-testid="header-user-name">
                  {user.full_name}
                </span>
                <span className="role-badge" data-testid="header-user-role" data-role={user.role}>
                  {t(`roles.${user.role}`)}
                </span>
              </span>
              <button
                type="button"
                className="button button--ghost"
                data-testid="sign-out"
                onClick={() => void onSignOut()}
                disabled={signingOut}
              >
                {t('header.signOut')}
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </header>
  )
}
