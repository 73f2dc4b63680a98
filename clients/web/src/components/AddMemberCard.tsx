import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, STAFF_ROLES, type StaffRole } from '../api'
import { useApiForm } from '../useApiForm'
import { Card } from './Card'
import { Field, FormError } from './Field'

export function AddMemberCard({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation()
  const [notice, setNotice] = useState<string | null>(null)
  const form = useApiForm({
    id: 'add-member',
    initial: { email: '', full_name: '', role: 'interviewer', password: '' },
    required: ['email', 'full_name', 'role', 'password'],
    hints: ['password'],
  })

  const onSubmit = form.handleSubmit(async (values) => {
    setNotice(null)
    const { member } = await api.createMember({
      email: values.email.trim(),
      full_name: values.full_name.trim(),
      role: values.role as StaffRole,
      password: values.password,
    })
    form.reset()
    setNotice(t('addMember.added', { name: member.full_name || member.email }))
    onAdded()
    form.formRef.current?.querySelector<HTMLElement>('input')?.focus()
  })

  const email = form.field('email')
  const fullName = form.field('full_name')
  const role = form.field('role')
  const password = form.field('password')

  return (
    <Card id="add-member" title={t('addMember.heading')} testId="add-member-card">
      <p className="muted">{t('addMember.intro')}</p>
      <form
        ref={form.formRef}
        className="form form--grid"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-labelledby="add-member-title"
        data-testid="add-member-form"
      >
        <FormError message={form.formError} />
        <p className="notice form__full" role="status">
          {notice}
        </p>

        <Field binding={email} label={t('fields.email')}>
          <input {...email.control} type="email" autoComplete="off" inputMode="email" />
        </Field>

        <Field binding={fullName} label={t('fields.fullName')}>
          <input {...fullName.control} type="text" autoComplete="off" maxLength={200} />
        </Field>

        <Field binding={role} label={t('fields.role')}>
          <select {...role.control}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>

        <Field binding={password} label={t('fields.initialPassword')} hint={t('hints.initialPassword')}>
          <input {...password.control} type="password" autoComplete="new-password" />
        </Field>

        <div className="form__full">
          <button
            type="submit"
            className="button button--primary"
            disabled={form.submitting}
            aria-busy={form.submitting || undefined}
          >
            {t('addMember.submit')}
          </button>
        </div>
      </form>
    </Card>
  )
}
