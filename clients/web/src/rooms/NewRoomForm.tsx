import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type CreatedRoom } from '../api'
import { Field, FormError } from '../components/Field'
import { useResource } from '../hooks'
import { useApiForm } from '../useApiForm'
import { defaultFileName, fileFieldError, followLanguage } from './files'

const DEFAULT_LANGUAGE = 'python3'

interface NewRoomFormProps {
  /** Prefix for element ids, unique on the page. */
  id: string
  /** A room for this candidate's application (moves it to "interview scheduled"). */
  applicationId?: string
  defaultTitle?: string
  /** Offer a date and time (a scheduled interview) instead of an instant room only. */
  schedule?: boolean
  onCreated?: (room: CreatedRoom) => void
  testId?: string
}

/** A new interview room (title, the first file and its language, optionally a task and a time); then its join link. */
export function NewRoomForm({ id, applicationId, defaultTitle = '', schedule = false, onCreated, testId }: NewRoomFormProps) {
  const { t } = useTranslation()
  const [created, setCreated] = useState<CreatedRoom | null>(null)
  const languages = useResource(() => api.languages().then((r) => r.languages))
  const tasks = useResource(() => api.tasks().then((r) => r.tasks))
  const form = useApiForm({
    id,
    initial: {
      title: defaultTitle,
      file_name: defaultFileName(DEFAULT_LANGUAGE),
      language: DEFAULT_LANGUAGE,
      task_id: '',
      scheduled_at: '',
    },
    required: ['title', 'file_name', 'language'],
    hints: ['scheduled_at', 'task_id'],
  })

  const onSubmit = form.handleSubmit(async (values) => {
    let room: CreatedRoom
    try {
      room = await api.createRoom({
        title: values.title.trim(),
        files: [{ file_name: values.file_name.trim(), language: values.language }],
        ...(values.task_id ? { task_id: values.task_id } : {}),
        ...(applicationId ? { application_id: applicationId } : {}),
        ...(values.scheduled_at ? { scheduled_at: new Date(values.scheduled_at).toISOString() } : {}),
      })
    } catch (err) {
      throw fileFieldError(err)
    }
    setCreated(room)
    onCreated?.(room)
  })

  if (created) {
    return (
      <div className="new-room-done" data-testid={testId ? `${testId}-done` : undefined}>
        <JoinLink room={created} />
        <div className="form__actions">
          <Link to={`/rooms/${created.id}`} className="button button--primary" data-testid="open-room">
            {t('rooms.openRoom')}
          </Link>
          <button
            type="button"
            className="button"
            onClick={() => {
              setCreated(null)
              form.reset()
            }}
          >
            {t('rooms.createAnother')}
          </button>
        </div>
      </div>
    )
  }

  const title = form.field('title')
  const fileName = form.field('file_name')
  const language = form.field('language')
  const task = form.field('task_id')
  const when = form.field('scheduled_at')
  const offered = languages.data ?? []

  return (
    <form
      ref={form.formRef}
      className="form form--grid"
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      data-testid={testId}
    >
      <FormError message={form.formError} />
      <div className="form__full">
        <Field binding={title} label={t('rooms.fieldTitle')}>
          <input {...title.control} type="text" maxLength={200} autoComplete="off" data-testid="room-title-input" />
        </Field>
      </div>
      <Field binding={language} label={t('rooms.fieldLanguage')}>
        <select
          {...language.control}
          data-testid="room-language-input"
          onChange={(e) => {
            form.setValue('language', e.target.value)
            form.setValue('file_name', followLanguage(form.values.file_name, e.target.value))
          }}
        >
          {offered.length === 0 ? <option value={DEFAULT_LANGUAGE}>Python 3</option> : null}
          {offered.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </Field>
      <Field binding={fileName} label={t('rooms.fieldFileName')}>
        <input
          {...fileName.control}
          type="text"
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          data-testid="room-file-input"
        />
      </Field>
      <Field binding={task} label={t('rooms.fieldTask')} hint={t('rooms.fieldTaskHint')}>
        <select {...task.control} data-testid="room-task-input">
          <option value="">{t('rooms.noTask')}</option>
          {(tasks.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      </Field>
      {schedule ? (
        <Field binding={when} label={t('rooms.fieldWhen')} hint={t('rooms.fieldWhenHint')}>
          <input {...when.control} type="datetime-local" data-testid="room-when-input" />
        </Field>
      ) : null}
      <div className="form__full">
        <button
          type="submit"
          className="button button--primary"
          disabled={form.submitting}
          aria-busy={form.submitting || undefined}
          data-testid="create-room"
        >
          {schedule ? t('rooms.schedule') : t('rooms.create')}
        </button>
      </div>
    </form>
  )
}

/** The candidate's join link as an absolute URL, with a copy button. */
export function JoinLink({ room }: { room: CreatedRoom }) {
  const { t } = useTranslation()
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const url = new URL(room.join_link, window.location.origin).toString()

  async function copy() {
    try {
      await navigator.clipboard.writeText(url)
      setCopied('yes')
    } catch {
      // no clipboard permission (or not a secure page): select the text for Ctrl+C
      input.current?.select()
      setCopied('no')
    }
  }

  return (
    <div className="join-link" data-testid="join-link-box">
      <p className="join-link__title">{t('rooms.joinLinkTitle', { title: room.title })}</p>
      <p className="muted">{t('rooms.joinLinkHint')}</p>
      <div className="join-link__row">
        <label htmlFor={`join-${room.id}`} className="visually-hidden">
          {t('rooms.joinLinkLabel')}
        </label>
        <input
          id={`join-${room.id}`}
          ref={input}
          type="text"
          readOnly
          value={url}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="join-link"
        />
        <button type="button" className="button" onClick={() => void copy()} data-testid="copy-join-link">
          {t('rooms.copy')}
        </button>
      </div>
      <p className="muted" role="status" data-testid="copy-state">
        {copied === 'yes' ? t('rooms.copied') : copied === 'no' ? t('rooms.copyByHand') : ''}
      </p>
    </div>
  )
}
