import { useTranslation } from 'react-i18next'
import { Card } from './Card'

/** Placeholder until vacancies and assessments exist: says so plainly. */
export function AssessmentsCard() {
  const { t } = useTranslation()
  return (
    <Card id="assessments" title={t('assessments.heading')} testId="assessments-card">
      <div className="empty-state">
        <p className="empty-state__title">{t('assessments.none')}</p>
        <p>{t('assessments.invitations')}</p>
        <p className="muted">{t('assessments.vacancies')}</p>
      </div>
    </Card>
  )
}
