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

/**
 * Markdown (GitHub flavour) as HTML, sanitised: no scripts, handlers or foreign frames.
 * `headingShift` moves headings down (1: `#` becomes h2), to sit under the page's own.
 */
export function renderMarkdown(text: string, headingShift = 0): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false })
  const clean = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } })
  if (!headingShift) return clean
  const doc = new DOMParser().parseFromString(`<body>${clean}</body>`, 'text/html')
  for (const heading of Array.from(doc.body.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    const level = Math.min(6, Number(heading.tagName[1]) + headingShift)
    const moved = doc.createElement(`h${level}`)
    moved.append(...Array.from(heading.childNodes))
    for (const attr of Array.from(heading.attributes)) moved.setAttribute(attr.name, attr.value)
    heading.replaceWith(moved)
  }
  return doc.body.innerHTML
}

export function Markdown({
  text,
  className,
  testId,
  headingShift = 0,
}: {
  text: string
  className?: string
  testId?: string
  headingShift?: number
}) {
  const html = useMemo(() => renderMarkdown(text, headingShift), [text, headingShift])
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

/** One line of inline Markdown (`code`, *emphasis*, links), sanitised, as a span. */
export function InlineMarkdown({ text }: { text: string }) {
  const html = useMemo(
    () => DOMPurify.sanitize(marked.parseInline(text, { async: false, gfm: true }), { USE_PROFILES: { html: true } }),
    [text],
  )
  // Sanitised above by DOMPurify.
  return <span className="markdown markdown--inline" dangerouslySetInnerHTML={{ __html: html }} />
}
