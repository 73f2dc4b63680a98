import DOMPurify from 'dompurify'
import { marked } from 'marked'
import { useMemo } from 'react'

// Links in statements and descriptions open in a new tab and pass nothing on.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer')
  }
})

/** Markdown (GitHub flavour) as HTML, sanitised: no scripts, handlers or foreign frames. */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false })
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } })
}

export function Markdown({ text, className, testId }: { text: string; className?: string; testId?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text])
  return (
    <div
      className={className ? `markdown ${className}` : 'markdown'}
      data-testid={testId}
      // Sanitised above by DOMPurify.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  )
}

/** The first `length` characters of a Markdown text as plain text, for previews. */
export function markdownExcerpt(text: string, length = 220): string {
  const doc = new DOMParser().parseFromString(renderMarkdown(text), 'text/html')
  const plain = (doc.body.textContent ?? '').replace(/\s+/g, ' ').trim()
  return plain.length > length ? `${plain.slice(0, length - 1).trimEnd()}…` : plain
}
