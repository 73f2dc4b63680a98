import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { describeError } from '../errors'
import type { Resource } from '../hooks'

interface CardProps {
  id: string
  title: string
  actions?: ReactNode
  children: ReactNode
  className?: string
  testId?: string
}

export function Card({ id, title, actions, children, className, testId }: CardProps) {
  return (
    <section
      className={className ? `card ${className}` : 'card'}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
    >
      <div className="card__header">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

/** Loading / error / content for a card fed by `useResource`. */
export function ResourceView<T>({
  resource,
  children,
}: {
  resource: Resource<T>
  children: (data: T) => ReactNode
}) {
  const { t } = useTranslation()
  if (resource.data !== undefined) {
    return (
      <>
        {resource.error ? <InlineError error={resource.error} onRetry={resource.reload} /> : null}
        {children(resource.data)}
      </>
    )
  }
  if (resource.error) return <InlineError error={resource.error} onRetry={resource.reload} />
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  )
}

export function InlineError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation()
  return (
    <div className="inline-error" role="alert">
      <span>{describeError(error, t)}</span>
      {onRetry ? (
        <button type="button" className="button button--small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  )
}
