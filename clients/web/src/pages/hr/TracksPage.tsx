import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, isAuthor } from '../../api'
import { useAuth } from '../../auth'
import { Card, ResourceView } from '../../components/Card'
import { Field, FormError } from '../../components/Field'
import { useDocumentTitle, useResource } from '../../hooks'
import { useApiForm } from '../../useApiForm'
import { HrNav } from './HrNav'

/** `/hr/tracks`: the organisation's tracks (quiz pools and vacancies belong to one). */
export function TracksPage() {
  const { t } = useTranslation()
  const { user } = useAuth()
  useDocumentTitle('title.tracks')
  const tracks = useResource(() => api.tracks().then((r) => r.tracks))
  const author = user ? isAuthor(user.role) : false
  return (
    <div className="page" data-testid="tracks-page">
      <div className="page-head">
        <h1>{t('tracks.heading')}</h1>
        <p className="muted">{t('tracks.intro')}</p>
      </div>
      <HrNav />
      <div className="grid">
        <Card id="tracks" title={t('tracks.list')} className={author ? undefined : 'card--wide'}>
          <ResourceView resource={tracks}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t('tracks.none')}</p>
              ) : (
                <ul className="item-list" data-testid="track-list">
                  {list.map((track) => (
                    <li key={track.id} className="item" data-testid="track-item" data-slug={track.slug}>
                      <div className="item__main">
                        <p className="item__title">
                          {track.name} <code className="muted">{track.slug}</code>
                        </p>
                        {track.description ? <p className="item__text">{track.description}</p> : null}
                        <p className="item__meta">
                          <Link to={`/hr/questions?track=${encodeURIComponent(track.id)}`}>
                            {t('tracks.questions', { count: track.questions })}
                          </Link>
                          <span>{t('tracks.vacancies', { count: track.vacancies })}</span>
                        </p>
                      </div>
                    </li>
                  ))}
                </ul>
              )
            }
          </ResourceView>
        </Card>
        {author ? <NewTrackCard onCreated={tracks.reload} /> : null}
      </div>
    </div>
  )
}

function NewTrackCard({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation()
  const [notice, setNotice] = useState<string | null>(null)
  const form = useApiForm<'name' | 'slug' | 'description'>({
    id: 'new-track',
    initial: { name: '', slug: '', description: '' },
    required: ['name'],
    hints: ['slug'],
  })
  const onSubmit = form.handleSubmit(async (values) => {
    setNotice(null)
    const track = await api.createTrack({
      name: values.name.trim(),
      ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
      ...(values.description.trim() ? { description: values.description.trim() } : {}),
    })
    form.reset()
    setNotice(t('tracks.created', { name: track.name }))
    onCreated()
  })
  const name = form.field('name')
  const slug = form.field('slug')
  const description = form.field('description')
  return (
    <Card id="new-track" title={t('tracks.new')} testId="new-track-card">
      <form ref={form.formRef} className="form" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="new-track-form">
        <FormError message={form.formError} />
        <p className="notice" role="status">
          {notice}
        </p>
        <Field binding={name} label={t('tracks.name')}>
          <input {...name.control} type="text" maxLength={200} />
        </Field>
        <Field binding={slug} label={t('tracks.slug')} hint={t('tracks.slugHint')}>
          <input {...slug.control} type="text" maxLength={63} pattern="[a-z0-9][a-z0-9-]*" />
        </Field>
        <Field binding={description} label={t('tracks.description')}>
          <textarea {...description.control} rows={3} />
        </Field>
        <div>
          <button type="submit" className="button button--primary" disabled={form.submitting} aria-busy={form.submitting || undefined}>
            {t('tracks.create')}
          </button>
        </div>
      </form>
    </Card>
  )
}
