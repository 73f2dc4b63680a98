import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router-dom'
import {
  api,
  isAuthor,
  QUESTION_KINDS,
  type AnswerKey,
  type NewQuestionRequest,
  type Question,
  type QuestionKind,
  type Track,
} from '../../api'
import { useAuth } from '../../auth'
import { Card, InlineError, ResourceView } from '../../components/Card'
import { FormError } from '../../components/Field'
import { InlineMarkdown, Markdown } from '../../components/Markdown'
import { describeError } from '../../errors'
import { useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { HrNav } from './HrNav'

/** `/hr/questions`: the quiz pool of each track; hr/admin add questions and switch them on or off. */
export function QuestionsPage() {
  const { t } = useTranslation()
  const { user } = useAuth()
  useDocumentTitle('title.questions')
  const [params, setParams] = useSearchParams()
  const track = params.get('track') ?? ''
  const tracks = useResource(() => api.tracks().then((r) => r.tracks))
  const questions = useResource(() => api.questions(track || undefined).then((r) => r.questions), track)
  const author = user ? isAuthor(user.role) : false

  return (
    <div className="page" data-testid="questions-page">
      <div className="page-head">
        <h1>{t('questions.heading')}</h1>
        <p className="muted">{t('questions.intro')}</p>
      </div>
      <HrNav />
      <div className="toolbar">
        <label htmlFor="questions-track" className="toolbar__label">
          {t('questions.track')}
        </label>
        <select
          id="questions-track"
          data-testid="questions-track-filter"
          value={track}
          onChange={(e) => setParams(e.target.value ? { track: e.target.value } : {}, { replace: true })}
        >
          <option value="">{t('questions.allTracks')}</option>
          {(tracks.data ?? []).map((tr) => (
            <option key={tr.id} value={tr.id}>
              {tr.name}
            </option>
          ))}
        </select>
      </div>
      <div className="grid">
        {author && tracks.data ? (
          <NewQuestionCard tracks={tracks.data} defaultTrack={track} onCreated={questions.reload} />
        ) : null}
        <Card id="question-list" title={t('questions.list')} className="card--wide">
          <ResourceView resource={questions}>
            {(list) =>
              list.length === 0 ? (
                <p className="muted">{t('questions.none')}</p>
              ) : (
                <ol className="quiz-list" data-testid="question-list">
                  {list.map((q) => (
                    <QuestionRow key={q.id} question={q} tracks={tracks.data ?? []} canEdit={author} onChanged={questions.reload} />
                  ))}
                </ol>
              )
            }
          </ResourceView>
        </Card>
      </div>
    </div>
  )
}

function keySummary(q: Question, t: (key: string, options?: Record<string, unknown>) => string): string {
  const key = q.answer_key
  if ('correct' in key) {
    const picks = Array.isArray(key.correct) ? key.correct : [key.correct]
    return picks.map((i) => q.options[i] ?? `#${i + 1}`).join('; ')
  }
  if ('accepted' in key) {
    return [
      key.accepted.join(' | '),
      key.pattern ? t('report.pattern', { pattern: key.pattern }) : '',
      key.case_sensitive ? t('report.caseSensitive') : '',
    ]
      .filter(Boolean)
      .join(' · ')
  }
  return t('report.numericKey', { value: key.value, tolerance: key.tolerance })
}

function QuestionRow({
  question,
  tracks,
  canEdit,
  onChanged,
}: {
  question: Question
  tracks: Track[]
  canEdit: boolean
  onChanged: () => void
}) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const track = tracks.find((tr) => tr.id === question.track_id)

  async function toggle() {
    setBusy(true)
    setError(null)
    try {
      await api.updateQuestion(question.id, { is_active: !question.is_active })
      onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <li
      className={question.is_active ? 'quiz-question' : 'quiz-question row--inactive'}
      data-testid="question-item"
      data-kind={question.kind}
      data-active={question.is_active ? 'true' : 'false'}
    >
      <div className="quiz-question__head">
        <div className="quiz-question__prompt">
          <Markdown text={question.prompt} />
        </div>
        <div className="row-actions">
          <span className="tag tag--bare">{translateOptional('questionKinds', question.kind)}</span>
          <span className={question.is_active ? 'tag tag--bare tag--ok' : 'tag tag--bare tag--muted'}>
            {question.is_active ? t('questions.active') : t('questions.inactive')}
          </span>
          {canEdit ? (
            <button type="button" className="button button--small" data-testid="question-toggle" disabled={busy} onClick={() => void toggle()}>
              {question.is_active ? t('questions.deactivate') : t('questions.activate')}
            </button>
          ) : null}
        </div>
      </div>
      {question.options.length ? (
        <ol className="options-list">
          {question.options.map((o, i) => (
            <li key={i}>
              <InlineMarkdown text={o} />
            </li>
          ))}
        </ol>
      ) : null}
      <p className="item__meta">
        <span>
          {t('questions.key')}: {keySummary(question, t)}
        </span>
        <span>{t('quiz.points', { count: question.points })}</span>
        {track ? <span>{track.name}</span> : null}
      </p>
      {error ? <InlineError error={error} /> : null}
    </li>
  )
}

interface Draft {
  track_id: string
  kind: QuestionKind
  prompt: string
  options: string[]
  correct: number[]
  accepted: string
  pattern: string
  case_sensitive: boolean
  value: string
  tolerance: string
  points: string
}

function emptyDraft(track: string, kind: QuestionKind = 'single'): Draft {
  return {
    track_id: track,
    kind,
    prompt: '',
    options: ['', ''],
    correct: [],
    accepted: '',
    pattern: '',
    case_sensitive: false,
    value: '',
    tolerance: '0',
    points: '1',
  }
}

function NewQuestionCard({ tracks, defaultTrack, onCreated }: { tracks: Track[]; defaultTrack: string; onCreated: () => void }) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(defaultTrack || tracks[0]?.id || ''))
  const [problem, setProblem] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const set = (changes: Partial<Draft>) => setDraft((d) => ({ ...d, ...changes }))
  const choice = draft.kind === 'single' || draft.kind === 'multiple'

  function build(): NewQuestionRequest | string {
    if (!draft.track_id) return t('questions.needTrack')
    if (!draft.prompt.trim()) return t('questions.needPrompt')
    const points = Number(draft.points)
    if (!Number.isInteger(points) || points < 1 || points > 100) return t('questions.badPoints')
    let answer_key: AnswerKey
    let options: string[] | undefined
    if (choice) {
      options = draft.options.map((o) => o.trim())
      if (options.length < 2 || options.some((o) => !o)) return t('questions.needOptions')
      if (draft.kind === 'single') {
        const picked = draft.correct[0]
        if (picked === undefined) return t('questions.needCorrect')
        answer_key = { correct: picked }
      } else {
        if (!draft.correct.length) return t('questions.needCorrect')
        answer_key = { correct: [...draft.correct].sort((a, b) => a - b) }
      }
    } else if (draft.kind === 'text') {
      const accepted = draft.accepted.split('\n').map((s) => s.trim()).filter(Boolean)
      if (!accepted.length && !draft.pattern.trim()) return t('questions.needAccepted')
      answer_key = { accepted, pattern: draft.pattern.trim() || null, case_sensitive: draft.case_sensitive }
    } else {
      const value = Number(draft.value.replace(',', '.'))
      const tolerance = Number(draft.tolerance.replace(',', '.'))
      if (draft.value.trim() === '' || !Number.isFinite(value)) return t('questions.needValue')
      if (!Number.isFinite(tolerance) || tolerance < 0) return t('questions.badTolerance')
      answer_key = { value, tolerance }
    }
    return {
      track_id: draft.track_id,
      kind: draft.kind,
      prompt: draft.prompt.trim(),
      ...(options ? { options } : {}),
      answer_key,
      points,
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    setNotice(null)
    const body = build()
    if (typeof body === 'string') {
      setProblem(body)
      return
    }
    setProblem(null)
    setBusy(true)
    try {
      await api.createQuestion(body)
      setDraft(emptyDraft(draft.track_id, draft.kind))
      setNotice(t('questions.created'))
      onCreated()
    } catch (err) {
      setProblem(describeError(err, t))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card id="new-question" title={t('questions.new')} className="card--wide" testId="new-question-card">
      <form className="form form--grid" onSubmit={(e) => void submit(e)} noValidate data-testid="new-question-form">
        <FormError message={problem} />
        <p className="notice form__full" role="status">
          {notice}
        </p>
        <div className="field">
          <label htmlFor="nq-track">{t('questions.track')}</label>
          <select id="nq-track" value={draft.track_id} onChange={(e) => set({ track_id: e.target.value })}>
            {tracks.map((tr) => (
              <option key={tr.id} value={tr.id}>
                {tr.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nq-kind">{t('questions.kind')}</label>
          <select id="nq-kind" data-testid="nq-kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as QuestionKind, correct: [] })}>
            {QUESTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {translateOptional('questionKinds', k)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nq-points">{t('questions.points')}</label>
          <input id="nq-points" type="number" min={1} max={100} value={draft.points} onChange={(e) => set({ points: e.target.value })} />
        </div>
        <div className="field form__full">
          <label htmlFor="nq-prompt">{t('questions.prompt')}</label>
          <textarea id="nq-prompt" rows={3} value={draft.prompt} onChange={(e) => set({ prompt: e.target.value })} />
          <p className="field-hint">{t('questions.markdownHint')}</p>
        </div>

        {choice ? (
          <fieldset className="form__full fieldset">
            <legend>{draft.kind === 'single' ? t('questions.optionsSingle') : t('questions.optionsMultiple')}</legend>
            {draft.options.map((option, index) => (
              <div className="option-edit" key={index}>
                <input
                  type={draft.kind === 'single' ? 'radio' : 'checkbox'}
                  name="nq-correct"
                  aria-label={t('questions.markCorrect', { n: index + 1 })}
                  checked={draft.correct.includes(index)}
                  onChange={(e) =>
                    set({
                      correct:
                        draft.kind === 'single'
                          ? [index]
                          : e.target.checked
                            ? [...draft.correct, index]
                            : draft.correct.filter((c) => c !== index),
                    })
                  }
                />
                <input
                  type="text"
                  aria-label={t('questions.optionN', { n: index + 1 })}
                  value={option}
                  onChange={(e) => set({ options: draft.options.map((o, i) => (i === index ? e.target.value : o)) })}
                />
                <button
                  type="button"
                  className="button button--small"
                  disabled={draft.options.length <= 2}
                  onClick={() =>
                    set({
                      options: draft.options.filter((_, i) => i !== index),
                      correct: draft.correct.filter((c) => c !== index).map((c) => (c > index ? c - 1 : c)),
                    })
                  }
                >
                  {t('questions.removeOption')}
                </button>
              </div>
            ))}
            <button type="button" className="button button--small" onClick={() => set({ options: [...draft.options, ''] })}>
              {t('questions.addOption')}
            </button>
            <p className="field-hint">{draft.kind === 'multiple' ? t('questions.partialCredit') : t('questions.pickCorrect')}</p>
          </fieldset>
        ) : draft.kind === 'text' ? (
          <>
            <div className="field form__full">
              <label htmlFor="nq-accepted">{t('questions.accepted')}</label>
              <textarea id="nq-accepted" rows={3} value={draft.accepted} onChange={(e) => set({ accepted: e.target.value })} />
              <p className="field-hint">{t('questions.acceptedHint')}</p>
            </div>
            <div className="field">
              <label htmlFor="nq-pattern">{t('questions.pattern')}</label>
              <input id="nq-pattern" type="text" value={draft.pattern} onChange={(e) => set({ pattern: e.target.value })} />
              <p className="field-hint">{t('questions.patternHint')}</p>
            </div>
            <label className="option">
              <input type="checkbox" checked={draft.case_sensitive} onChange={(e) => set({ case_sensitive: e.target.checked })} />
              <span>{t('questions.caseSensitive')}</span>
            </label>
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor="nq-value">{t('questions.value')}</label>
              <input id="nq-value" type="text" inputMode="decimal" value={draft.value} onChange={(e) => set({ value: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="nq-tolerance">{t('questions.tolerance')}</label>
              <input id="nq-tolerance" type="text" inputMode="decimal" value={draft.tolerance} onChange={(e) => set({ tolerance: e.target.value })} />
            </div>
          </>
        )}
        <div className="form__full">
          <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy || undefined}>
            {t('questions.create')}
          </button>
        </div>
      </form>
    </Card>
  )
}
