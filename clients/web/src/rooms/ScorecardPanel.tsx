import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { api, DECISIONS, isApiError, type Decision, type Scorecard, type ScorecardCriterion } from '../api'
import { useAuth } from '../auth'
import { InlineError } from '../components/Card'
import { FormError } from '../components/Field'
import { describeError } from '../errors'
import { useFormatDate } from '../format'
import { useResource } from '../hooks'

const RATINGS = [1, 2, 3, 4] as const

interface Row {
  key: number
  name: string
  rating: number | null
  comment: string
}

let rowKeys = 0
const row = (name = '', rating: number | null = null, comment = ''): Row => ({ key: ++rowKeys, name, rating, comment })

export function useDecisionName() {
  const { t } = useTranslation()
  return (decision: Decision | null) =>
    decision === 'strong_hire'
      ? t('rooms.decisionStrongHire')
      : decision === 'hire'
        ? t('rooms.decisionHire')
        : decision === 'no_hire'
          ? t('rooms.decisionNoHire')
          : decision === 'strong_no_hire'
            ? t('rooms.decisionStrongNoHire')
            : t('rooms.decisionNone')
}

function useRatingName() {
  const { t } = useTranslation()
  return (rating: number) =>
    rating === 1 ? t('rooms.rating1') : rating === 2 ? t('rooms.rating2') : rating === 3 ? t('rooms.rating3') : t('rooms.rating4')
}

/**
 * Staff only: the interviewer's own scorecard (criteria rated 1–4 with comments, a decision,
 * a summary; saved as a draft or submitted as final) and the colleagues' scorecards.
 * Observers (HR) see the scorecards only.
 */
export function ScorecardPanel({ roomId, canWrite }: { roomId: string; canWrite: boolean }) {
  const { t } = useTranslation()
  const { user } = useAuth()
  const cards = useResource(() => api.scorecards(roomId).then((r) => r.scorecards), roomId)
  const mine = cards.data?.find((c) => c.author.id === user?.id) ?? null
  const others = (cards.data ?? []).filter((c) => c.author.id !== user?.id)

  return (
    <section className="card scorecards" aria-labelledby="scorecard-heading" data-testid="scorecards">
      <div className="card__header">
        <h2 id="scorecard-heading">{canWrite ? t('rooms.scorecardHeading') : t('rooms.scorecardsHeading')}</h2>
      </div>
      {cards.error && !cards.data ? <InlineError error={cards.error} onRetry={cards.reload} /> : null}
      {canWrite && cards.data ? <ScorecardForm roomId={roomId} saved={mine} onSaved={cards.reload} /> : null}
      {cards.data && (canWrite ? others.length > 0 : true) ? (
        <div className="scorecards__others">
          {canWrite ? <h3>{t('rooms.colleaguesScorecards')}</h3> : null}
          {others.length === 0 ? <p className="muted">{t('rooms.noScorecards')}</p> : null}
          {others.map((card) => (
            <ScorecardView key={card.author.id} card={card} />
          ))}
        </div>
      ) : null}
    </section>
  )
}

function ScorecardForm({ roomId, saved, onSaved }: { roomId: string; saved: Scorecard | null; onSaved: () => void }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const ratingName = useRatingName()
  const decisionName = useDecisionName()
  const defaults = () => [row(t('rooms.criterionProblemSolving')), row(t('rooms.criterionCode')), row(t('rooms.criterionCommunication'))]
  const fromSaved = (card: Scorecard) => card.criteria.map((c) => row(c.name, c.rating, c.comment))
  const [rows, setRows] = useState<Row[]>(() => (saved && saved.criteria.length ? fromSaved(saved) : defaults()))
  const [decision, setDecision] = useState<Decision | ''>(saved?.decision ?? '')
  const [summary, setSummary] = useState(saved?.summary ?? '')
  const [state, setState] = useState<Scorecard | null>(saved)
  const [busy, setBusy] = useState<'draft' | 'submit' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [dirty, setDirty] = useState(false)
  const final = state?.submitted_at != null

  // The saved card arrives after the first render of an empty form, or changes elsewhere.
  useEffect(() => {
    if (!saved || dirty) return
    setState(saved)
    if (saved.criteria.length) setRows(fromSaved(saved))
    setDecision(saved.decision ?? '')
    setSummary(saved.summary)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved?.updated_at])

  function edit(key: number, patch: Partial<Row>) {
    setDirty(true)
    setRows((list) => list.map((r) => (r.key === key ? { ...r, ...patch } : r)))
  }

  async function save(submit: boolean) {
    setError(null)
    const named = rows.filter((r) => r.name.trim() || r.rating !== null || r.comment.trim())
    if (named.some((r) => !r.name.trim())) {
      setError(t('rooms.criterionNameMissing'))
      return
    }
    if (named.some((r) => r.rating === null)) {
      setError(t('rooms.criterionRatingMissing'))
      return
    }
    if (submit && !decision) {
      setError(t('rooms.decisionMissing'))
      return
    }
    const criteria: ScorecardCriterion[] = named.map((r) => ({ name: r.name.trim(), rating: r.rating ?? 1, comment: r.comment }))
    setBusy(submit ? 'submit' : 'draft')
    try {
      const card = await api.saveScorecard(roomId, { criteria, decision: decision || null, summary, submit })
      setState(card)
      setDirty(false)
      setConfirming(false)
      onSaved()
    } catch (err) {
      setError(isApiError(err) && err.code === 'scorecard_submitted' ? t('rooms.scorecardAlreadyFinal') : describeError(err, t))
      if (isApiError(err) && err.code === 'scorecard_submitted') onSaved()
    } finally {
      setBusy(null)
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault()
    void save(false)
  }

  const status = final ? 'submitted' : state ? (dirty ? 'changed' : 'draft') : dirty ? 'changed' : 'new'
  return (
    <form className="scorecard-form" onSubmit={onSubmit} data-testid="scorecard-form" data-state={status}>
      <p className="scorecard-form__state" role="status" data-testid="scorecard-state" data-state={status}>
        {final && state?.submitted_at
          ? t('rooms.scorecardSubmittedAt', { time: fmt(state.submitted_at) })
          : state && !dirty
            ? t('rooms.scorecardDraftAt', { time: fmt(state.updated_at, { timeStyle: 'short' }) })
            : state
              ? t('rooms.scorecardUnsaved')
              : t('rooms.scorecardNew')}
      </p>
      <FormError message={error} />
      <fieldset disabled={final} className="scorecard-form__fields">
        <legend className="visually-hidden">{t('rooms.criteria')}</legend>
        <div className="table-wrap">
        <table className="table table--compact scorecard-table">
          <thead>
            <tr>
              <th scope="col">{t('rooms.criterion')}</th>
              <th scope="col">{t('rooms.rating')}</th>
              <th scope="col">{t('rooms.comment')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('rooms.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, index) => (
              <tr key={r.key} data-testid="criterion-row">
                <td>
                  <input
                    type="text"
                    value={r.name}
                    maxLength={100}
                    aria-label={t('rooms.criterionN', { n: index + 1 })}
                    onChange={(e) => edit(r.key, { name: e.target.value })}
                    data-testid="criterion-name"
                  />
                </td>
                <td>
                  <div className="rating" role="radiogroup" aria-label={t('rooms.ratingOf', { name: r.name || index + 1 })}>
                    {RATINGS.map((value) => (
                      <label key={value} className="rating__choice" title={ratingName(value)}>
                        <input
                          type="radio"
                          name={`rating-${r.key}`}
                          value={value}
                          checked={r.rating === value}
                          onChange={() => edit(r.key, { rating: value })}
                          data-testid="criterion-rating"
                        />
                        <span>{value}</span>
                      </label>
                    ))}
                  </div>
                </td>
                <td>
                  <textarea
                    rows={1}
                    value={r.comment}
                    maxLength={2000}
                    aria-label={t('rooms.commentOn', { name: r.name || index + 1 })}
                    onChange={(e) => edit(r.key, { comment: e.target.value })}
                    data-testid="criterion-comment"
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => {
                      setDirty(true)
                      setRows((list) => list.filter((x) => x.key !== r.key))
                    }}
                    aria-label={t('rooms.removeCriterion', { name: r.name || index + 1 })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
        <p className="muted scorecard-form__scale">{t('rooms.ratingScale')}</p>
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            setDirty(true)
            setRows((list) => [...list, row()])
          }}
          disabled={rows.length >= 20}
          data-testid="add-criterion"
        >
          {t('rooms.addCriterion')}
        </button>
        <div className="form form--grid scorecard-form__bottom">
          <div className="field">
            <label htmlFor="scorecard-decision">{t('rooms.decision')}</label>
            <select
              id="scorecard-decision"
              value={decision}
              onChange={(e) => {
                setDirty(true)
                setDecision(e.target.value as Decision | '')
              }}
              data-testid="scorecard-decision"
            >
              <option value="">{t('rooms.decisionNone')}</option>
              {DECISIONS.map((d) => (
                <option key={d} value={d}>
                  {decisionName(d)}
                </option>
              ))}
            </select>
          </div>
          <div className="field form__full">
            <label htmlFor="scorecard-summary">{t('rooms.summary')}</label>
            <textarea
              id="scorecard-summary"
              rows={4}
              maxLength={8000}
              value={summary}
              onChange={(e) => {
                setDirty(true)
                setSummary(e.target.value)
              }}
              data-testid="scorecard-summary"
            />
          </div>
        </div>
        {!final ? (
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy !== null} aria-busy={busy === 'draft' || undefined} data-testid="scorecard-save">
              {t('rooms.saveDraft')}
            </button>
            {confirming ? (
              <>
                <span className="muted">{t('rooms.submitConfirm')}</span>
                <button
                  type="button"
                  className="button button--primary"
                  disabled={busy !== null}
                  onClick={() => void save(true)}
                  data-testid="scorecard-submit-confirm"
                >
                  {t('rooms.submitYes')}
                </button>
                <button type="button" className="button" onClick={() => setConfirming(false)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => setConfirming(true)} data-testid="scorecard-submit">
                {t('rooms.submitFinal')}
              </button>
            )}
          </div>
        ) : null}
      </fieldset>
    </form>
  )
}

function ScorecardView({ card }: { card: Scorecard }) {
  const { t } = useTranslation()
  const fmt = useFormatDate()
  const decisionName = useDecisionName()
  return (
    <article className="scorecard-view" data-testid="scorecard-view" data-final={card.submitted_at ? 'true' : 'false'}>
      <p className="scorecard-view__head">
        <strong>{card.author.full_name}</strong>
        <span className="tag tag--bare">{decisionName(card.decision)}</span>
        <span className="muted">
          {card.submitted_at ? t('rooms.scorecardSubmittedAt', { time: fmt(card.submitted_at) }) : t('rooms.scorecardDraftOnly')}
        </span>
      </p>
      {card.criteria.length ? (
        <ul className="scorecard-view__criteria">
          {card.criteria.map((c, i) => (
            <li key={`${c.name}-${i}`}>
              <span className="scorecard-view__rating" aria-label={t('rooms.ratingValue', { rating: c.rating })}>
                {c.rating}/4
              </span>{' '}
              {c.name}
              {c.comment ? <span className="muted"> — {c.comment}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {card.summary ? <p className="scorecard-view__summary">{card.summary}</p> : null}
    </article>
  )
}
