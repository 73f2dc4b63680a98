import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom'
import { AuthProvider, useAuth } from './auth'
import { Header } from './components/Header'
import { describeError } from './errors'
import { useDocumentTitle } from './hooks'
import { HomePage } from './pages/HomePage'
import { LoginPage } from './pages/LoginPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { RegisterPage } from './pages/RegisterPage'
import { SocketProvider } from './socket'

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <SocketProvider>
          <Layout>
            <Routes>
              <Route
                path="/"
                element={
                  <RequireAuth>
                    <HomePage />
                  </RequireAuth>
                }
              />
              <Route
                path="/login"
                element={
                  <GuestOnly>
                    <LoginPage />
                  </GuestOnly>
                }
              />
              <Route
                path="/register"
                element={
                  <GuestOnly>
                    <RegisterPage />
                  </GuestOnly>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Layout>
        </SocketProvider>
      </AuthProvider>
    </BrowserRouter>
  )
}

function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Header />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  )
}

/** Pages for signed-in users: `/login` when `GET /me` says 401. */
function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  if (status === 'loading') return <Loading />
  if (status === 'anonymous') return <Navigate to="/login" replace />
  if (status === 'error') return <ConnectionProblem />
  return <>{children}</>
}

/** Sign-in / registration: signed-in users go home. */
function GuestOnly({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  if (status === 'loading') return <Loading />
  if (status === 'authenticated') return <Navigate to="/" replace />
  return <>{children}</>
}

function Loading() {
  const { t } = useTranslation()
  return (
    <div className="page-state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  )
}

function ConnectionProblem() {
  const { t } = useTranslation()
  const { error, refresh } = useAuth()
  useDocumentTitle('title.error')
  return (
    <section className="page-state page-state--error" aria-labelledby="connection-problem">
      <h1 id="connection-problem">{t('errors.pageHeading')}</h1>
      <p role="alert">{describeError(error, t)}</p>
      <button type="button" className="button" onClick={() => void refresh()}>
        {t('common.retry')}
      </button>
    </section>
  )
}
