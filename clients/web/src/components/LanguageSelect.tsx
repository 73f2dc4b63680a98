import { useTranslation } from 'react-i18next'
import type { Locale } from '../api'
import { useAuth } from '../auth'
import { currentLocale, isLocale } from '../i18n'

/** Language names are shown in their own language, as is customary. */
const LANGUAGES: { value: Locale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'ru', label: 'Русский' },
]

export function LanguageSelect() {
  const { t } = useTranslation()
  const { changeLocale } = useAuth()
  return (
    <div className="language-select">
      <label htmlFor="language-select">{t('header.language')}</label>
      <select
        id="language-select"
        data-testid="language-select"
        value={currentLocale()}
        onChange={(e) => {
          if (isLocale(e.target.value)) void changeLocale(e.target.value)
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.value} value={l.value} lang={l.value}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  )
}
