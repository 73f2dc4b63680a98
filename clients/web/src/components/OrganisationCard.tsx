import { useTranslation } from 'react-i18next'
import type { Organisation } from '../api'
import { DATE_ONLY, useFormatDate, useFormatNumber } from '../format'
import type { Resource } from '../hooks'
import { Card, ResourceView } from './Card'

export function OrganisationCard({
  resource,
}: {
  resource: Resource<{ organisation: Organisation; members_count: number }>
}) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const num = useFormatNumber()
  return (
    <Card id="organisation" title={t('org.heading')} testId="organisation-card">
      <ResourceView resource={resource}>
        {({ organisation, members_count }) => (
          <dl className="facts">
            <div>
              <dt>{t('org.name')}</dt>
              <dd data-testid="organisation-name">{organisation.name}</dd>
            </div>
            <div>
              <dt>{t('org.members')}</dt>
              <dd data-testid="organisation-members-count">{num(members_count)}</dd>
            </div>
            <div>
              <dt>{t('org.created')}</dt>
              <dd>
                <time dateTime={organisation.created_at}>{fmt(organisation.created_at, DATE_ONLY)}</time>
              </dd>
            </div>
          </dl>
        )}
      </ResourceView>
    </Card>
  )
}
