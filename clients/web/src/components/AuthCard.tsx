import type { FormEvent, ReactNode, Ref } from 'react'
import { FormError } from './Field'

interface AuthCardProps {
  /** "login" or "register": names the heading, the form and its test id. */
  id: string
  heading: string
  intro: string
  formRef: Ref<HTMLFormElement>
  formError: string | null
  submitting: boolean
  submitLabel: string
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>
  /** The line under the card that links to the other page. */
  footer: ReactNode
  children: ReactNode
}

/** The card both the sign-in and the registration pages are made of. */
export function AuthCard(props: AuthCardProps) {
  const headingId = `${props.id}-heading`
  return (
    <div className="auth-page">
      <section className="card auth-card" aria-labelledby={headingId}>
        <h1 id={headingId}>{props.heading}</h1>
        <p className="muted">{props.intro}</p>

        <form
          ref={props.formRef}
          className="form"
          onSubmit={(e) => void props.onSubmit(e)}
          noValidate
          aria-labelledby={headingId}
          data-testid={`${props.id}-form`}
        >
          <FormError message={props.formError} />
          {props.children}
          <button
            type="submit"
            className="button button--primary button--block"
            disabled={props.submitting}
            aria-busy={props.submitting || undefined}
          >
            {props.submitLabel}
          </button>
        </form>

        <p className="auth-switch">{props.footer}</p>
      </section>
    </div>
  )
}
