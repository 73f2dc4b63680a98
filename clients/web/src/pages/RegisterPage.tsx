import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { useAuth } from '../auth'
import { Field, FormError } from '../components/Field'
import { useDocumentTitle } from '../hooks'
import { useApiForm } from '../useApiForm'

export function RegisterPage() {
  const { t } = useTranslation()
  const { register } = useAuth()
  const navigate = useNavigate()
  useDocumentTitle('title.register')

  const form = useApiForm({
    id: 'register',
    initial: { full_name: '', email: '', password: '' },
    required: ['full_name', 'email', 'password'],
    hints: ['password'],
  })

  const onSubmit = form.handleSubmit(async (values) => {
    await register({
      email: values.email.trim(),
      password: values.password,
      full_name: values.full_name.trim(),
    })
    navigate('/', { replace: true })
  })

  const fullName = form.field('full_name')
  const email = form.field('email')
  const password = form.field('password')

  return (
    <div className="auth-page">
      <section className="card auth-card" aria-labelledby="register-heading">
        <h1 id="register-heading">{t('register.heading')}</h1>
        <p className="muted">{t('register.intro')}</p>

        <form
          ref={form.formRef}
          className="form"
          onSubmit={(e) => void onSubmit(e)}
          noValidate
          aria-labelledby="register-heading"
          data-testid="register-form"
        >
          <FormError message={form.formError} />

          <Field binding={fullName} label={t('fields.fullName')}>
            <input {...fullName.control} type="text" autoComplete="name" maxLength={200} autoFocus />
          </Field>

          <Field binding={email} label={t('fields.email')}>
            <input {...email.control} type="email" autoComplete="email" inputMode="email" />
          </Field>

          <Field binding={password} label={t('fields.password')} hint={t('hints.password')}>
            <input {...password.control} type="password" autoComplete="new-password" />
          </Field>

          <button
            type="submit"
            className="button button--primary button--block"
            disabled={form.submitting}
            aria-busy={form.submitting || undefined}
          >
            {t('register.submit')}
          </button>
        </form>

        <p className="auth-switch">
          {t('register.haveAccount')} <Link to="/login">{t('register.loginLink')}</Link>
        </p>
      </section>
    </div>
  )
}
