import type { ReactNode } from 'react'
import type { FieldBinding } from '../useApiForm'

interface FieldProps {
  binding: FieldBinding
  label: string
  hint?: string
  /** The control; spread `binding.control` onto it. */
  children: ReactNode
}

/** Label + control + hint + inline error, wired with for/id and aria-describedby. */
export function Field({ binding, label, hint, children }: FieldProps) {
  return (
    <div className={binding.error ? 'field field--invalid' : 'field'}>
      <label htmlFor={binding.id}>{label}</label>
      {children}
      {hint ? (
        <p id={binding.hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {binding.error ? (
        <p id={binding.errorId} className="field-error" role="alert">
          {binding.error}
        </p>
      ) : null}
    </div>
  )
}

/** Form-level error at the top of a form. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null
  return (
    <div className="form-error" role="alert" tabIndex={-1} data-form-error>
      {message}
    </div>
  )
}
