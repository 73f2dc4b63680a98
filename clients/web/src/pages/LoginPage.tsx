import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth'
import { Field, FormError } from '../components/Field'
import { useDocumentTitle } from '../hooks'
import { useApiForm } from '../useApiForm'

export function LoginPage() {
  const { t } = useTranslation()
  const { login } = useAuth()
  const navigate = useNavigate()
  useDocumentTitle('title.login')

  const form = useApiForm({
    id: 'login',
    initial: { email: '', password: '' },
    required: ['email', 'password'],
  })

  const onSubmit = form.handleSubmit(async (values) => {
    await login({ email: values.email.trim(), password: values.password })
    navigate('/', { replace: true })
  })

  const email = form.field('email')
  const password = form.field('password')

  return (
    <div className="auth-page">
      <section className="card auth-card" aria-labelledby="login-heading">
        <h1 id="login-heading">{t('login.heading')}</h1>
        <p className="muted">{t('login.intro')}</p>

        <form
          ref={form.formRef}
          className="form"
          onSubmit={(e) => void onSubmit(e)}
          noValidate
          aria-labelledby="login-heading"
          data-testid="login-form"
        >
          <FormError message={form.formError} />

          <Field binding={email} label={t('fields.email')}>
            <input {...email.control} type="email" autoComplete="email" inputMode="email" autoFocus />
          </Field>

          <Field binding={password} label={t('fields.password')}>
            <input {...password.control} type="password" autoComplete="current-password" />
          </Field>

          <button
            type="submit"
            className="button button--primary button--block"
            disabled={form.submitting}
            aria-busy={form.submitting || undefined}
          >
            {t('login.submit')}
          </button>
        </form>

        <p className="auth-switch">
          {t('login.noAccount')} <Link to="/register">{t('login.registerLink')}</Link>
        </p>
      </section>
    </div>
  )
}
