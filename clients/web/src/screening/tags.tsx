import { useTranslation } from 'react-i18next'
import type { Stage, VacancyStatus } from '../api'
import { translateOptional } from '../i18n'

const GOOD_STAGES: readonly Stage[] = ['passed', 'interview_scheduled', 'interviewed', 'offer']
const ENDED_STAGES: readonly Stage[] = ['not_passed', 'rejected']

export function StageTag({ stage, testId }: { stage: Stage; testId?: string }) {
  const tone = GOOD_STAGES.includes(stage) ? 'ok' : ENDED_STAGES.includes(stage) ? 'muted' : 'accent'
  return (
    <span className={`tag tag--bare tag--${tone}`} data-testid={testId} data-stage={stage}>
      {translateOptional('stages', stage)}
    </span>
  )
}

export function VerdictTag({ verdict, testId }: { verdict: string | null; testId?: string }) {
  const { t } = useTranslation()
  if (!verdict) {
    return (
      <span className="tag tag--bare" data-testid={testId} data-verdict="">
        {t('judge.pending')}
      </span>
    )
  }
  const tone = verdict === 'AC' ? 'ok' : verdict === 'SE' ? 'muted' : 'bad'
  return (
    <span
      className={`tag tag--bare tag--${tone} verdict`}
      data-testid={testId}
      data-verdict={verdict}
      title={translateOptional('verdicts', verdict, verdict)}
    >
      {verdict}
    </span>
  )
}

export function VacancyStatusTag({ status }: { status: VacancyStatus }) {
  const tone = status === 'open' ? 'ok' : status === 'draft' ? 'accent' : 'muted'
  return (
    <span className={`tag tag--bare tag--${tone}`} data-testid="vacancy-status" data-status={status}>
      {translateOptional('vacancyStatus', status)}
    </span>
  )
}
