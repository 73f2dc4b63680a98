import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate } from 'react-router-dom'
import { returnPath } from '../navigation'
import { useAuth } from '../auth'
import { AuthCard } from '../components/AuthCard'
import { Field } from '../components/Field'
import { useDocumentTitle } from '../hooks'
import { useApiForm } from '../useApiForm'

export function RegisterPage() {
  const { t } = useTranslation()
  const { register } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
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
    navigate(returnPath(location.state), { replace: true })
  })

  const fullName = form.field('full_name')
  const email = form.field('email')
  const password = form.field('password')

  return (
    <AuthCard
      id="register"
      heading={t('register.heading')}
      intro={t('register.intro')}
      formRef={form.formRef}
      formError={form.formError}
      submitting={form.submitting}
      submitLabel={t('register.submit')}
      onSubmit={onSubmit}
      footer={
        <>
          {t('register.haveAccount')} <Link to="/login" state={location.state}>{t('register.loginLink')}</Link>
        </>
      }
    >
      <Field binding={fullName} label={t('fields.fullName')}>
        <input {...fullName.control} type="text" autoComplete="name" maxLength={200} autoFocus />
      </Field>

      <Field binding={email} label={t('fields.email')}>
        <input {...email.control} type="email" autoComplete="email" inputMode="email" />
      </Field>

      <Field binding={password} label={t('fields.password')} hint={t('hints.password')}>
        <input {...password.control} type="password" autoComplete="new-password" />
      </Field>
    </AuthCard>
  )
}
