/** Display names of the judge's language ids, for places that have no `GET /languages` list. */
const NAMES: Record<string, string> = {
  python3: 'Python 3',
  c: 'C',
  cpp: 'C++',
  java: 'Java',
  javascript: 'JavaScript',
  rust: 'Rust',
}

export function languageName(id: string): string {
  return NAMES[id] ?? id
}
