import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { returnPath } from '../navigation'
import { useAuth } from '../auth'
import { AuthCard } from '../components/AuthCard'
import { Field } from '../components/Field'
import { useDocumentTitle } from '../hooks'
import { useApiForm } from '../useApiForm'

export function LoginPage() {
  const { t } = useTranslation()
  const { login } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  useDocumentTitle('title.login')

  const form = useApiForm({
    id: 'login',
    initial: { email: '', password: '' },
    required: ['email', 'password'],
  })

  const onSubmit = form.handleSubmit(async (values) => {
    await login({ email: values.email.trim(), password: values.password })
    navigate(returnPath(location.state), { replace: true })
  })

  const email = form.field('email')
  const password = form.field('password')

  return (
    <AuthCard
      id="login"
      heading={t('login.heading')}
      intro={t('login.intro')}
      formRef={form.formRef}
      formError={form.formError}
      submitting={form.submitting}
      submitLabel={t('login.submit')}
      onSubmit={onSubmit}
      footer={
        <>
          {t('login.noAccount')} <Link to="/register" state={location.state}>{t('login.registerLink')}</Link>
        </>
      }
    >
      <Field binding={email} label={t('fields.email')}>
        <input {...email.control} type="email" autoComplete="email" inputMode="email" autoFocus />
      </Field>

      <Field binding={password} label={t('fields.password')}>
        <input {...password.control} type="password" autoComplete="current-password" />
      </Field>
    </AuthCard>
  )
}
