import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Markdown } from './Markdown'

/** A Markdown text area with a preview toggle, for statements and descriptions. */
export function MarkdownField({
  id,
  label,
  value,
  onChange,
  rows,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  rows: number
}) {
  const { t } = useTranslation()
  const [preview, setPreview] = useState(false)
  return (
    <div className="field form__full">
      <div className="field__row">
        <label htmlFor={id}>{label}</label>
        <button
          type="button"
          className="button button--small"
          aria-pressed={preview}
          onClick={() => setPreview((p) => !p)}
        >
          {preview ? t('common.edit') : t('common.preview')}
        </button>
      </div>
      {preview ? (
        <Markdown text={value} className="markdown--preview" />
      ) : (
        <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
      <p className="field-hint">{t('questions.markdownHint')}</p>
    </div>
  )
}
