import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react'
import { api, isApiError, type Locale, type LoginRequest, type RegisterRequest, type User } from './api'
import { applyLocale, currentLocale } from './i18n'

export type AuthStatus = 'loading' | 'anonymous' | 'authenticated' | 'error'

interface AuthContextValue {
  status: AuthStatus
  user: User | null
  /** Error from the last `GET /me` when status is 'error' (network / 5xx). */
  error: unknown
  login(body: LoginRequest): Promise<User>
  register(body: Omit<RegisterRequest, 'locale'>): Promise<User>
  logout(): Promise<void>
  /** Re-run `GET /me` (e.g. after a network error or a suspicious 401). */
  refresh(): Promise<void>
  /** Switch the interface language; saved to the server when signed in. */
  changeLocale(locale: Locale): Promise<void>
  /** Replace the signed-in user after a successful `PATCH /me`. */
  setUser(user: User): void
  /** Call when any request answers 401: the session is gone. */
  handleUnauthenticated(): void
}

const AuthContext = createContext<AuthContextValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>('loading')
  const [user, setUserState] = useState<User | null>(null)
  const [error, setError] = useState<unknown>(null)
  const userRef = useRef<User | null>(null)

  const signedIn = useCallback((next: User) => {
    userRef.current = next
    setUserState(next)
    setStatus('authenticated')
    setError(null)
    // The server's locale for the user wins after sign-in.
    void applyLocale(next.locale)
  }, [])

  const signedOut = useCallback(() => {
    userRef.current = null
    setUserState(null)
    setStatus('anonymous')
    setError(null)
  }, [])

  const refresh = useCallback(async () => {
    try {
      const { user: me } = await api.me()
      signedIn(me)
    } catch (err) {
      if (isApiError(err) && err.status === 401) {
        signedOut()
      } else {
        setError(err)
        setStatus(userRef.current ? 'authenticated' : 'error')
      }
    }
  }, [signedIn, signedOut])

  useEffect(() => {
    void refresh()
  }, [refresh])

  const login = useCallback(
    async (body: LoginRequest) => {
      const { user: me } = await api.login(body)
      signedIn(me)
      return me
    },
    [signedIn],
  )

  const register = useCallback(
    async (body: Omit<RegisterRequest, 'locale'>) => {
      const { user: me } = await api.register({ ...body, locale: currentLocale() })
      signedIn(me)
      return me
    },
    [signedIn],
  )

  const logout = useCallback(async () => {
    try {
      await api.logout()
    } catch {
      // Even if the request failed, forget the user locally; a stale cookie
      // is rejected by the server on the next request anyway.
    }
    signedOut()
  }, [signedOut])

  const setUser = useCallback((next: User) => {
    userRef.current = next
    setUserState(next)
  }, [])

  const changeLocale = useCallback(async (locale: Locale) => {
    await applyLocale(locale)
    const me = userRef.current
    if (!me || me.locale === locale) return
    try {
      const { user: updated } = await api.updateMe({ locale })
      if (userRef.current?.id === updated.id) {
        userRef.current = updated
        setUserState(updated)
      }
    } catch (err) {
      if (isApiError(err) && err.status === 401) signedOut()
      // Otherwise keep the local choice; the next change retries the save.
    }
  }, [signedOut])

  const handleUnauthenticated = useCallback(() => {
    if (userRef.current) signedOut()
  }, [signedOut])

  const value = useMemo<AuthContextValue>(
    () => ({
      status,
      user,
      error,
      login,
      register,
      logout,
      refresh,
      changeLocale,
      setUser,
      handleUnauthenticated,
    }),
    [status, user, error, login, register, logout, refresh, changeLocale, setUser, handleUnauthenticated],
  )

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext)
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>')
  return ctx
}
