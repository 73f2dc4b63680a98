// Checks that src/i18n/en.json and ru.json have exactly the same keys (plural
// forms: those each language's rules need), that no value is empty, that
// {{placeholders}} match, and that every static key used in the sources
// (t('a.b'), useDocumentTitle('a.b')) exists.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const load = (lng) => JSON.parse(readFileSync(join(root, 'src/i18n', `${lng}.json`), 'utf8'))

function flatten(obj, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object') flatten(v, key, out)
    else out.set(key, v)
  }
  return out
}

const en = flatten(load('en'))
const ru = flatten(load('ru'))
const problems = []
const placeholders = (s) => [...String(s).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort().join(',')

// Plurals (i18next's `key_one`, `key_few`, …, used with `t(key, { count })`): each language has
// the forms its own plural rules need (English one/other, Russian one/few/many/other), so the
// forms are compared as one entry per key; every form needs the placeholders of English "other".
const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/
function entries(map) {
  const plain = new Map()
  const plural = new Map()
  for (const [key, value] of map) {
    const m = PLURAL.exec(key)
    if (m) {
      if (!plural.has(m[1])) plural.set(m[1], new Map())
      plural.get(m[1]).set(m[2], value)
    } else plain.set(key, value)
  }
  return { plain, plural }
}
const langs = { en: entries(en), ru: entries(ru) }

for (const [key, value] of langs.en.plain) {
  if (!langs.ru.plain.has(key)) problems.push(`ru.json is missing "${key}"`)
  else if (placeholders(value) !== placeholders(langs.ru.plain.get(key)))
    problems.push(`placeholders differ for "${key}"`)
}
for (const key of langs.ru.plain.keys()) {
  if (!langs.en.plain.has(key)) problems.push(`en.json is missing "${key}"`)
}
for (const [lng, other] of [['en', 'ru'], ['ru', 'en']]) {
  for (const key of langs[lng].plural.keys()) {
    if (!langs[other].plural.has(key)) problems.push(`${other}.json is missing plural "${key}"`)
  }
}
for (const [lng, { plural }] of Object.entries(langs)) {
  const needed = new Intl.PluralRules(lng).resolvedOptions().pluralCategories
  for (const [key, forms] of plural) {
    for (const category of needed) {
      if (!forms.has(category)) problems.push(`${lng}.json: "${key}" lacks the "${category}" form`)
    }
    const reference = langs.en.plural.get(key)?.get('other')
    for (const [category, value] of forms) {
      if (reference !== undefined && placeholders(value) !== placeholders(reference))
        problems.push(`${lng}.json: placeholders of "${key}_${category}" differ from English`)
    }
  }
}
for (const [lng, map] of [['en', en], ['ru', ru]]) {
  for (const [key, value] of map) {
    if (typeof value !== 'string' || !value.trim()) problems.push(`${lng}.json "${key}" is empty`)
  }
}
const known = (key) => en.has(key) || langs.en.plural.has(key)

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* sources(path)
    else if (/\.(tsx?|jsx?)$/.test(name)) yield path
  }
}

const usage = /\b(?:t|useDocumentTitle)\(\s*(['"])([\w.]+)\1/g
let used = 0
for (const file of sources(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(usage)) {
    used++
    if (!known(m[2])) problems.push(`${relative(root, file)}: unknown key "${m[2]}"`)
  }
}
// Dynamic role keys: roles.<role> for every role.
for (const role of ['candidate', 'interviewer', 'hr', 'admin']) {
  if (!en.has(`roles.${role}`)) problems.push(`missing "roles.${role}"`)
}

if (problems.length) {
  console.error(problems.map((p) => `i18n: ${p}`).join('\n'))
  process.exit(1)
}
console.log(`i18n: ${en.size} keys in en and ru, ${used} static usages checked`)
