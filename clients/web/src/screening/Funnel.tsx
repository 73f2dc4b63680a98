import { useTranslation } from 'react-i18next'
import type { FunnelStage } from '../api'
import { useFormatters } from '../format'
import { translateOptional } from '../i18n'

/** Counts by stage and conversion from the first stage, as horizontal bars. */
export function Funnel({ funnel }: { funnel: FunnelStage[] }) {
  const { t } = useTranslation()
  const f = useFormatters()
  const top = Math.max(1, ...funnel.map((s) => s.reached ?? s.count))
  return (
    <div className="funnel" data-testid="funnel" role="table" aria-label={t('funnel.label')}>
      <div className="funnel__row funnel__row--head" role="row">
        <span role="columnheader">{t('funnel.stage')}</span>
        <span role="columnheader">{t('funnel.reached')}</span>
        <span role="columnheader" className="cell--num">
          {t('funnel.now')}
        </span>
        <span role="columnheader" className="cell--num">
          {t('funnel.conversion')}
        </span>
      </div>
      {funnel.map((s) => (
        <div
          key={s.stage}
          className="funnel__row"
          role="row"
          data-testid="funnel-stage"
          data-stage={s.stage}
          data-count={s.count}
          data-reached={s.reached ?? ''}
        >
          <span role="rowheader" className="funnel__stage">
            {translateOptional('stages', s.stage)}
          </span>
          <span role="cell" className="funnel__bar-cell">
            <span
              className={s.reached === undefined ? 'funnel__bar funnel__bar--side' : 'funnel__bar'}
              style={{ width: `${((s.reached ?? s.count) / top) * 100}%` }}
              aria-hidden="true"
            />
            <span className="funnel__bar-label">{s.reached ?? '—'}</span>
          </span>
          <span role="cell" className="cell--num" data-testid="funnel-count">
            {s.count}
          </span>
          <span role="cell" className="cell--num">
            {s.conversion === undefined ? '—' : f.share(s.conversion)}
          </span>
        </div>
      ))}
    </div>
  )
}
