// Checks that src/i18n/en.json and ru.json have exactly the same keys, that
// no value is empty, that {{placeholders}} match, and that every static key
// used in the sources (t('a.b'), useDocumentTitle('a.b')) exists.
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

for (const [key, value] of en) {
  if (!ru.has(key)) problems.push(`ru.json is missing "${key}"`)
  else if (placeholders(value) !== placeholders(ru.get(key)))
    problems.push(`placeholders differ for "${key}"`)
  if (typeof value !== 'string' || !value.trim()) problems.push(`en.json "${key}" is empty`)
}
for (const [key, value] of ru) {
  if (!en.has(key)) problems.push(`en.json is missing "${key}"`)
  if (typeof value !== 'string' || !value.trim()) problems.push(`ru.json "${key}" is empty`)
}

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
    if (!en.has(m[2])) problems.push(`${relative(root, file)}: unknown key "${m[2]}"`)
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
