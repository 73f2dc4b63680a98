import { lazy, Suspense, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom'
import { isAuthor, isStaff, type Role } from './api'
import { AuthProvider, useAuth } from './auth'
import { Header } from './components/Header'
import { describeError } from './errors'
import { useDocumentTitle } from './hooks'
import { returnPath } from './navigation'
import { HomePage } from './pages/HomePage'
import { LoginPage } from './pages/LoginPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { RegisterPage } from './pages/RegisterPage'
import { VacanciesPage } from './pages/VacanciesPage'
import { VacancyPage } from './pages/VacancyPage'

// The assessment and the hiring dashboard (with the code editor) load when first opened.
const AttemptPage = lazy(() => import('./pages/AttemptPage').then((m) => ({ default: m.AttemptPage })))
const ApplicationReportPage = lazy(() =>
  import('./pages/hr/ApplicationReportPage').then((m) => ({ default: m.ApplicationReportPage })),
)
const HrHomePage = lazy(() => import('./pages/hr/HrHomePage').then((m) => ({ default: m.HrHomePage })))
const QuestionsPage = lazy(() => import('./pages/hr/QuestionsPage').then((m) => ({ default: m.QuestionsPage })))
const TaskDetailPage = lazy(() => import('./pages/hr/TaskDetailPage').then((m) => ({ default: m.TaskDetailPage })))
const TaskFormPage = lazy(() => import('./pages/hr/TaskFormPage').then((m) => ({ default: m.TaskFormPage })))
const TasksPage = lazy(() => import('./pages/hr/TasksPage').then((m) => ({ default: m.TasksPage })))
const TracksPage = lazy(() => import('./pages/hr/TracksPage').then((m) => ({ default: m.TracksPage })))
const VacancyDashboardPage = lazy(() =>
  import('./pages/hr/VacancyDashboardPage').then((m) => ({ default: m.VacancyDashboardPage })),
)
// The live interview room (Yjs, the collaborative editor) and its replay.
const RoomPage = lazy(() => import('./pages/rooms/RoomPage').then((m) => ({ default: m.RoomPage })))
const RoomJoinPage = lazy(() => import('./pages/rooms/RoomJoinPage').then((m) => ({ default: m.RoomJoinPage })))
const RoomReplayPage = lazy(() => import('./pages/rooms/RoomReplayPage').then((m) => ({ default: m.RoomReplayPage })))
const VacancyFormPage = lazy(() => import('./pages/hr/VacancyFormPage').then((m) => ({ default: m.VacancyFormPage })))
import { SocketProvider } from './socket'

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <SocketProvider>
          <Layout>
            <Suspense fallback={<Loading />}>
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
                {/* the vacancy board: anyone, signed in or not */}
                <Route path="/vacancies" element={<VacanciesPage />} />
                <Route path="/vacancies/:id" element={<VacancyPage />} />
                {/* candidates */}
                <Route
                  path="/attempts/:id"
                  element={
                    <RequireRole allow={(role) => role === 'candidate'}>
                      <AttemptPage />
                    </RequireRole>
                  }
                />
                {/* the hiring dashboard: staff read, hr/admin write */}
                <Route
                  path="/hr"
                  element={
                    <RequireRole allow={isStaff}>
                      <HrHomePage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/vacancies/new"
                  element={
                    <RequireRole allow={isAuthor}>
                      <VacancyFormPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/vacancies/:id"
                  element={
                    <RequireRole allow={isStaff}>
                      <VacancyDashboardPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/vacancies/:id/edit"
                  element={
                    <RequireRole allow={isAuthor}>
                      <VacancyFormPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/applications/:id"
                  element={
                    <RequireRole allow={isStaff}>
                      <ApplicationReportPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/tracks"
                  element={
                    <RequireRole allow={isStaff}>
                      <TracksPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/questions"
                  element={
                    <RequireRole allow={isStaff}>
                      <QuestionsPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/tasks"
                  element={
                    <RequireRole allow={isStaff}>
                      <TasksPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/tasks/new"
                  element={
                    <RequireRole allow={isAuthor}>
                      <TaskFormPage />
                    </RequireRole>
                  }
                />
                <Route
                  path="/hr/tasks/:id"
                  element={
                    <RequireRole allow={isStaff}>
                      <TaskDetailPage />
                    </RequireRole>
                  }
                />
                {/* live interview rooms: the candidate's link works signed out too (sign in, then back) */}
                <Route path="/rooms/:id/join" element={<RoomJoinPage />} />
                <Route
                  path="/rooms/:id"
                  element={
                    <RequireAuth>
                      <RoomPage />
                    </RequireAuth>
                  }
                />
                <Route
                  path="/rooms/:id/replay"
                  element={
                    <RequireRole allow={isStaff}>
                      <RoomReplayPage />
                    </RequireRole>
                  }
                />
                <Route path="*" element={<NotFoundPage />} />
              </Routes>
            </Suspense>
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

/** Pages for signed-in users: `/login` when `GET /me` says 401 (and back here after it). */
function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const location = useLocation()
  if (status === 'loading') return <Loading />
  if (status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />
  }
  if (status === 'error') return <ConnectionProblem />
  return <>{children}</>
}

/** Pages for some roles only; others are told so plainly. */
function RequireRole({ allow, children }: { allow: (role: Role) => boolean; children: ReactNode }) {
  return (
    <RequireAuth>
      <RoleGate allow={allow}>{children}</RoleGate>
    </RequireAuth>
  )
}

function RoleGate({ allow, children }: { allow: (role: Role) => boolean; children: ReactNode }) {
  const { user } = useAuth()
  if (!user) return null
  if (!allow(user.role)) return <Forbidden />
  return <>{children}</>
}

function Forbidden() {
  const { t } = useTranslation()
  useDocumentTitle('title.forbidden')
  return (
    <section className="page-state" aria-labelledby="forbidden-heading" data-testid="forbidden">
      <h1 id="forbidden-heading">{t('forbidden.heading')}</h1>
      <p className="muted">{t('forbidden.text')}</p>
      <Link to="/" className="button button--primary">
        {t('notFound.home')}
      </Link>
    </section>
  )
}

/** Sign-in / registration: signed-in users go home (or back where they came from). */
function GuestOnly({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const location = useLocation()
  if (status === 'loading') return <Loading />
  if (status === 'authenticated') return <Navigate to={returnPath(location.state)} replace />
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
