import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth'
import { LanguageSelect } from './LanguageSelect'
import { SocketStatus } from './SocketStatus'

export function Header() {
  const { t } = useTranslation()
  const { user, logout } = useAuth()
  const navigate = useNavigate()
  const [signingOut, setSigningOut] = useState(false)

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
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label={t('header.homeLink')}>
          <span className="brand__mark" aria-hidden="true">
            S
          </span>
          <span className="brand__name">{t('app.name')}</span>
        </Link>

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
