import { useCallback, useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { routeError } from './errors'

type Values<F extends string> = Record<F, string>
type FieldControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

export interface ControlProps {
  id: string
  name: string
  value: string
  onChange: (e: ChangeEvent<FieldControl>) => void
  required?: boolean
  'aria-invalid'?: true
  'aria-describedby'?: string
}

export interface FieldBinding {
  id: string
  errorId: string
  hintId: string
  error: string | undefined
  /** Spread onto the <input>/<select>. */
  control: ControlProps
}

interface Options<F extends string> {
  /** Prefix for element ids, unique on the page. */
  id: string
  initial: Values<F>
  required?: readonly F[]
  /** Fields that render a hint (its id joins aria-describedby). */
  hints?: readonly F[]
}

/**
 * State for a form that submits to the API: values, per-field errors from the
 * server's `field`, a form-level error, a submitting flag, and focus on the
 * first invalid field after a failed submit.
 */
export function useApiForm<F extends string>({ id, initial, required = [], hints = [] }: Options<F>) {
  const { t } = useTranslation()
  const fields = Object.keys(initial) as F[]
  const [values, setValues] = useState<Values<F>>(initial)
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<F, string>>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const [focusRequest, setFocusRequest] = useState(0)
  const formRef = useRef<HTMLFormElement>(null)
  const busy = useRef(false)

  useEffect(() => {
    if (!focusRequest) return
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')
    if (invalid) invalid.focus()
    else formRef.current?.querySelector<HTMLElement>('[data-form-error]')?.focus()
  }, [focusRequest])

  const setValue = useCallback((name: F, value: string) => {
    setValues((prev) => ({ ...prev, [name]: value }))
    setFieldErrors((prev) => {
      if (!prev[name]) return prev
      const next = { ...prev }
      delete next[name]
      return next
    })
  }, [])

  const field = (name: F): FieldBinding => {
    const fieldId = `${id}-${name}`
    const errorId = `${fieldId}-error`
    const hintId = `${fieldId}-hint`
    const error = fieldErrors[name]
    const describedBy = [hints.includes(name) ? hintId : null, error ? errorId : null]
      .filter(Boolean)
      .join(' ')
    return {
      id: fieldId,
      errorId,
      hintId,
      error,
      control: {
        id: fieldId,
        name,
        value: values[name],
        onChange: (e) => setValue(name, e.target.value),
        ...(required.includes(name) ? { required: true } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      },
    }
  }

  const initialRef = useRef(initial)
  const reset = useCallback(() => {
    setValues(initialRef.current)
    setFieldErrors({})
    setFormError(null)
  }, [])

  const handleSubmit =
    (action: (values: Values<F>) => Promise<void>) => async (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault()
      if (busy.current) return

      const missing: Partial<Record<F, string>> = {}
      for (const name of fields) {
        if (required.includes(name) && !values[name].trim()) missing[name] = t('errors.required')
      }
      if (Object.keys(missing).length) {
        setFieldErrors(missing)
        setFormError(null)
        setFocusRequest((n) => n + 1)
        return
      }

      busy.current = true
      setSubmitting(true)
      setFieldErrors({})
      setFormError(null)
      try {
        await action(values)
      } catch (err) {
        const routed = routeError(err, fields, t)
        if (routed.field) setFieldErrors({ [routed.field]: routed.message } as Partial<Record<F, string>>)
        else setFormError(routed.message)
        setFocusRequest((n) => n + 1)
      } finally {
        busy.current = false
        setSubmitting(false)
      }
    }

  return { formRef, values, setValue, field, formError, submitting, handleSubmit, reset }
}
