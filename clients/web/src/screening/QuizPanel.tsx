import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, isApiError, type Answer, type AttemptQuestion } from '../api'
import { describeError } from '../errors'
import { InlineMarkdown, Markdown } from '../components/Markdown'

type QuestionSave = 'idle' | 'saving' | 'saved' | 'error'

const TEXT_DEBOUNCE_MS = 700

export function isAnswered(answer: Answer | null | undefined): boolean {
  if (!answer) return false
  if ('choice' in answer) return Number.isInteger(answer.choice)
  if ('choices' in answer) return answer.choices.length > 0
  if ('text' in answer) return answer.text.trim() !== ''
  return Number.isFinite(answer.value)
}

export function QuizPanel({
  attemptId,
  questions,
  hidden,
  onAttemptOver,
  onAnswered,
}: {
  attemptId: string
  questions: AttemptQuestion[]
  hidden: boolean
  onAttemptOver: () => void
  onAnswered: (position: number, answer: Answer) => void
}) {
  const { t } = useTranslation()
  return (
    <section className="quiz-panel card" hidden={hidden} aria-labelledby="quiz-title" data-testid="quiz-panel" role="tabpanel" id="panel-quiz">
      <div className="card__header">
        <h2 id="quiz-title">{t('quiz.heading')}</h2>
        <span className="muted">{t('quiz.saveNote')}</span>
      </div>
      {questions.length === 0 ? (
        <p className="muted">{t('quiz.none')}</p>
      ) : (
        <ol className="quiz-list">
          {questions.map((q, index) => (
            <QuestionItem
              key={q.position}
              attemptId={attemptId}
              question={q}
              number={index + 1}
              onAttemptOver={onAttemptOver}
              onAnswered={onAnswered}
            />
          ))}
        </ol>
      )}
    </section>
  )
}

function QuestionItem({
  attemptId,
  question,
  number,
  onAttemptOver,
  onAnswered,
}: {
  attemptId: string
  question: AttemptQuestion
  number: number
  onAttemptOver: () => void
  onAnswered: (position: number, answer: Answer) => void
}) {
  const { t } = useTranslation()
  const [answer, setAnswer] = useState<Answer | null>(question.answer)
  const [text, setText] = useState(() =>
    question.answer && 'text' in question.answer
      ? question.answer.text
      : question.answer && 'value' in question.answer
        ? String(question.answer.value)
        : '',
  )
  const [state, setState] = useState<QuestionSave>(question.answer ? 'saved' : 'idle')
  const [error, setError] = useState<unknown>(null)
  const [invalid, setInvalid] = useState(false)
  const timer = useRef<number | undefined>(undefined)
  const latest = useRef(0)
  const promptId = `q-${question.position}-prompt`
  const name = `q-${question.position}`

  useEffect(() => () => window.clearTimeout(timer.current), [])

  async function save(next: Answer) {
    const ticket = ++latest.current
    setState('saving')
    try {
      await api.saveAnswer(attemptId, question.position, next)
      if (ticket !== latest.current) return
      setState('saved')
      setError(null)
      onAnswered(question.position, next)
    } catch (err) {
      if (ticket !== latest.current) return
      setState('error')
      setError(err)
      if (isApiError(err) && err.status === 409 && err.code === 'attempt_over') onAttemptOver()
    }
  }

  function choose(next: Answer) {
    setAnswer(next)
    window.clearTimeout(timer.current)
    timer.current = undefined
    void save(next)
  }

  /** `badInput`: a number field holds text the browser cannot read as a number. */
  function typed(value: string, badInput = false) {
    setText(value)
    window.clearTimeout(timer.current)
    timer.current = undefined
    if (question.kind === 'numeric') {
      const trimmed = value.trim().replace(',', '.')
      const n = Number(trimmed)
      if (trimmed === '' || !Number.isFinite(n)) {
        setInvalid(badInput || trimmed !== '')
        return
      }
      setInvalid(false)
      schedule({ value: n })
    } else {
      schedule({ text: value })
    }
  }

  function schedule(next: Answer) {
    setAnswer(next)
    setState('saving')
    timer.current = window.setTimeout(() => {
      timer.current = undefined
      void save(next)
    }, TEXT_DEBOUNCE_MS)
  }

  /** Leaving the field saves at once what is waiting. */
  function flushTyped() {
    if (timer.current === undefined || !answer) return
    window.clearTimeout(timer.current)
    timer.current = undefined
    void save(answer)
  }

  const choice = answer && 'choice' in answer ? answer.choice : null
  const choices = answer && 'choices' in answer ? answer.choices : []

  return (
    <li
      className="quiz-question"
      data-testid="quiz-question"
      data-position={question.position}
      data-kind={question.kind}
    >
      <fieldset aria-labelledby={promptId} aria-describedby={`${name}-state`}>
        <div className="quiz-question__head">
          <span className="quiz-question__number">{number}.</span>
          <div id={promptId} className="quiz-question__prompt">
            <Markdown text={question.prompt} />
          </div>
          <span className="muted cell--nowrap">{t('quiz.points', { count: question.points })}</span>
        </div>
        {question.kind === 'single' || question.kind === 'multiple' ? (
          <p className="field-hint">{question.kind === 'single' ? t('quiz.pickOne') : t('quiz.pickAny')}</p>
        ) : null}

        {question.kind === 'single' ? (
          <div className="options">
            {question.options.map((option, index) => (
              <label key={index} className="option">
                <input
                  type="radio"
                  name={name}
                  value={index}
                  checked={choice === index}
                  onChange={() => choose({ choice: index })}
                />
                <InlineMarkdown text={option} />
              </label>
            ))}
          </div>
        ) : question.kind === 'multiple' ? (
          <div className="options">
            {question.options.map((option, index) => (
              <label key={index} className="option">
                <input
                  type="checkbox"
                  name={name}
                  value={index}
                  checked={choices.includes(index)}
                  onChange={(e) =>
                    choose({
                      choices: e.target.checked
                        ? [...choices, index].sort((a, b) => a - b)
                        : choices.filter((c) => c !== index),
                    })
                  }
                />
                <InlineMarkdown text={option} />
              </label>
            ))}
          </div>
        ) : (
          <div className="field">
            <label htmlFor={`${name}-input`} className="visually-hidden">
              {t('quiz.yourAnswer')}
            </label>
            <input
              id={`${name}-input`}
              type={question.kind === 'numeric' ? 'number' : 'text'}
              step={question.kind === 'numeric' ? 'any' : undefined}
              autoComplete="off"
              spellCheck={question.kind === 'text'}
              placeholder={question.kind === 'numeric' ? t('quiz.numberPlaceholder') : t('quiz.textPlaceholder')}
              value={text}
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? `${name}-invalid` : undefined}
              onChange={(e) => typed(e.target.value, e.target.validity.badInput)}
              onBlur={flushTyped}
              data-testid="quiz-input"
            />
            {invalid ? (
              <p id={`${name}-invalid`} className="field-error" role="alert">
                {t('quiz.notANumber')}
              </p>
            ) : null}
          </div>
        )}
        <p id={`${name}-state`} className={`save-state save-state--${state}`} data-testid="answer-state" data-state={state} role="status">
          <span className="save-state__dot" aria-hidden="true" />
          {state === 'saving'
            ? t('draft.saving')
            : state === 'saved'
              ? t('quiz.saved')
              : state === 'error'
                ? `${t('draft.notSaved')}: ${describeError(error, t)}`
                : t('quiz.unanswered')}
          {state === 'error' && answer ? (
            <button type="button" className="button button--small" onClick={() => void save(answer)}>
              {t('common.retry')}
            </button>
          ) : null}
        </p>
      </fieldset>
    </li>
  )
}
