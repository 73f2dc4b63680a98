import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { LOCALES, setRequestLocale, type Locale } from '../api'
import en from './en.json'
import ru from './ru.json'

/** localStorage key that remembers the chosen interface language. */
export const LOCALE_STORAGE_KEY = 'sobes.locale'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function readStoredLocale(): Locale | null {
  try {
    const value = window.localStorage.getItem(LOCALE_STORAGE_KEY)
    return isLocale(value) ? value : null
  } catch {
    return null
  }
}

export function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
}

/** Stored choice first, then the browser's preferred languages, then English. */
export function detectLocale(): Locale {
  const stored = readStoredLocale()
  if (stored) return stored
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language]
  for (const tag of preferred) {
    const base = tag?.toLowerCase().split('-')[0]
    if (isLocale(base)) return base
  }
  return 'en'
}

export function currentLocale(): Locale {
  const lng = i18n.resolvedLanguage ?? i18n.language
  return isLocale(lng) ? lng : 'en'
}

function onLanguage(lng: string): void {
  const locale: Locale = isLocale(lng) ? lng : 'en'
  document.documentElement.lang = locale
  setRequestLocale(locale)
}

i18n.on('languageChanged', onLanguage)

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: en },
    ru: { translation: ru },
  },
  lng: detectLocale(),
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false, // resources are bundled: ready synchronously
})

onLanguage(i18n.language)

/** Switch language at once and remember it locally. */
export async function applyLocale(locale: Locale): Promise<void> {
  storeLocale(locale)
  if (i18n.language !== locale) await i18n.changeLanguage(locale)
}

/**
 * Translate a dynamic key (e.g. an audit action) if a string exists for it,
 * else return `fallback` (the raw value).
 */
export function translateOptional(prefix: string, value: string, fallback = value): string {
  const key = `${prefix}.${value}`
  const resource = i18n.getResource(currentLocale(), 'translation', key) as unknown
  const english = i18n.getResource('en', 'translation', key) as unknown
  if (typeof resource === 'string' || typeof english === 'string') return i18n.t(key)
  return fallback
}

export default i18n
