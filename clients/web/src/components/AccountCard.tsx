import { useTranslation } from 'react-i18next'
import type { User } from '../api'
import { DATE_ONLY, useFormatDate } from '../format'
import { Card } from './Card'

export function AccountCard({ user }: { user: User }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  return (
    <Card id="account" title={t('account.heading')} testId="account-card">
      <dl className="facts">
        <div>
          <dt>{t('account.email')}</dt>
          <dd data-testid="account-email">{user.email}</dd>
        </div>
        <div>
          <dt>{t('account.role')}</dt>
          <dd data-testid="account-role">{t(`roles.${user.role}`)}</dd>
        </div>
        {user.organisation ? (
          <div>
            <dt>{t('account.organisation')}</dt>
            <dd>{user.organisation.name}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('account.memberSince')}</dt>
          <dd data-testid="account-since">
            <time dateTime={user.created_at}>{fmt(user.created_at, DATE_ONLY)}</time>
          </dd>
        </div>
      </dl>
    </Card>
  )
}
