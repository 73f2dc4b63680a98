import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { useDocumentTitle } from '../hooks'

export function NotFoundPage() {
  const { t } = useTranslation()
  useDocumentTitle('title.notFound')
  return (
    <section className="page-state" aria-labelledby="not-found-heading" data-testid="not-found">
      <p className="page-state__code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-heading">{t('notFound.heading')}</h1>
      <p className="muted">{t('notFound.text')}</p>
      <Link to="/" className="button button--primary">
        {t('notFound.home')}
      </Link>
    </section>
  )
}
