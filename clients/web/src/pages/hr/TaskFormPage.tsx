import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { api, CHECKER_KINDS, type Checker, type CheckerKind, type NewTaskRequest } from '../../api'
import { Card } from '../../components/Card'
import { CodeEditor } from '../../components/CodeEditor'
import { FormError } from '../../components/Field'
import { MarkdownField } from '../../components/MarkdownField'
import { describeError } from '../../errors'
import { useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { HrNav } from './HrNav'

interface TestDraft {
  input: string
  answer: string
  visible: boolean
}
interface GroupDraft {
  name: string
  points: string
  tests: TestDraft[]
}

const newTest = (visible = false): TestDraft => ({ input: '', answer: '', visible })

/** `/hr/tasks/new`: a task from a form: statement, limits, checker, starter code, groups of tests. */
export function TaskFormPage() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  useDocumentTitle('title.newTask')
  const tracks = useResource(() => api.tracks().then((r) => r.tracks))
  const languages = useResource(() => api.languages().then((r) => r.languages))

  const [title, setTitle] = useState('')
  const [statement, setStatement] = useState('')
  const [track, setTrack] = useState('')
  const [cpu, setCpu] = useState('2000')
  const [memory, setMemory] = useState('256')
  const [checker, setChecker] = useState<CheckerKind>('tokens')
  const [absTol, setAbsTol] = useState('1e-6')
  const [relTol, setRelTol] = useState('1e-6')
  const [checkerLanguage, setCheckerLanguage] = useState('python3')
  const [checkerSource, setCheckerSource] = useState('')
  const [stopFirst, setStopFirst] = useState(false)
  const [starter, setStarter] = useState<Record<string, string>>({})
  const [starterLanguage, setStarterLanguage] = useState('')
  const [groups, setGroups] = useState<GroupDraft[]>([
    { name: 'samples', points: '0', tests: [newTest(true)] },
    { name: 'main', points: '100', tests: [newTest()] },
  ])
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const setGroup = (index: number, changes: Partial<GroupDraft>) =>
    setGroups((gs) => gs.map((g, i) => (i === index ? { ...g, ...changes } : g)))
  const setTest = (gi: number, ti: number, changes: Partial<TestDraft>) =>
    setGroups((gs) =>
      gs.map((g, i) => (i === gi ? { ...g, tests: g.tests.map((x, j) => (j === ti ? { ...x, ...changes } : x)) } : g)),
    )

  function build(): NewTaskRequest | string {
    if (!title.trim()) return t('taskForm.needTitle')
    const cpuMs = Number(cpu)
    const memoryMb = Number(memory)
    if (!Number.isInteger(cpuMs) || cpuMs < 10) return t('taskForm.badCpu')
    if (!Number.isInteger(memoryMb) || memoryMb < 16) return t('taskForm.badMemory')
    if (!groups.length) return t('taskForm.needGroup')
    const built: NewTaskRequest['groups'] = []
    for (const g of groups) {
      const points = Number(g.points)
      if (!g.name.trim()) return t('taskForm.needGroupName')
      if (!Number.isInteger(points) || points < 0) return t('taskForm.badPoints', { group: g.name })
      if (!g.tests.length) return t('taskForm.needTest', { group: g.name })
      built.push({ name: g.name.trim(), points, tests: g.tests.map((x) => ({ input: x.input, answer: x.answer, visible: x.visible })) })
    }
    const spec: Checker = { kind: checker }
    if (checker === 'float') {
      spec.abs_tolerance = Number(absTol)
      spec.rel_tolerance = Number(relTol)
      if (!Number.isFinite(spec.abs_tolerance) || !Number.isFinite(spec.rel_tolerance)) return t('taskForm.badTolerance')
    }
    if (checker === 'custom') {
      if (!checkerSource.trim()) return t('taskForm.needChecker')
      spec.language = checkerLanguage
      spec.source = checkerSource
    }
    const starterCode = Object.fromEntries(Object.entries(starter).filter(([, code]) => code.trim()))
    return {
      title: title.trim(),
      statement,
      ...(track ? { track_id: track } : {}),
      limits: { cpu_ms: cpuMs, memory_mb: memoryMb },
      checker: spec,
      stop_on_first_failure: stopFirst,
      ...(Object.keys(starterCode).length ? { starter_code: starterCode } : {}),
      groups: built,
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const body = build()
    if (typeof body === 'string') {
      setProblem(body)
      return
    }
    setProblem(null)
    setBusy(true)
    try {
      const task = await api.createTask(body)
      navigate(`/hr/tasks/${task.id}`)
    } catch (err) {
      setProblem(describeError(err, t))
      setBusy(false)
    }
  }

  const langs = languages.data ?? []
  const starterLang = starterLanguage || langs[0]?.id || ''

  return (
    <div className="page" data-testid="task-form-page">
      <p className="breadcrumbs">
        <Link to="/hr/tasks">{t('tasks.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{t('taskForm.heading')}</h1>
      </div>
      <HrNav />
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate data-testid="task-form">
        <Card id="task-basics" title={t('taskForm.basics')}>
          <div className="form form--grid">
            <div className="field form__full">
              <label htmlFor="tf-title">{t('taskForm.title')}</label>
              <input id="tf-title" type="text" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} required />
            </div>
            <MarkdownField id="tf-statement" label={t('taskForm.statement')} value={statement} onChange={setStatement} rows={10} />
            <div className="field">
              <label htmlFor="tf-track">{t('tasks.track')}</label>
              <select id="tf-track" value={track} onChange={(e) => setTrack(e.target.value)}>
                <option value="">{t('tasks.noTrack')}</option>
                {(tracks.data ?? []).map((tr) => (
                  <option key={tr.id} value={tr.id}>
                    {tr.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="tf-cpu">{t('taskForm.cpu')}</label>
              <input id="tf-cpu" type="number" min={10} max={60000} value={cpu} onChange={(e) => setCpu(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="tf-memory">{t('taskForm.memory')}</label>
              <input id="tf-memory" type="number" min={16} max={1024} value={memory} onChange={(e) => setMemory(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="tf-checker">{t('taskForm.checker')}</label>
              <select id="tf-checker" value={checker} onChange={(e) => setChecker(e.target.value as CheckerKind)}>
                {CHECKER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {translateOptional('checkers', k)}
                  </option>
                ))}
              </select>
            </div>
            {checker === 'float' ? (
              <>
                <div className="field">
                  <label htmlFor="tf-abs">{t('taskForm.absTolerance')}</label>
                  <input id="tf-abs" type="text" inputMode="decimal" value={absTol} onChange={(e) => setAbsTol(e.target.value)} />
                </div>
                <div className="field">
                  <label htmlFor="tf-rel">{t('taskForm.relTolerance')}</label>
                  <input id="tf-rel" type="text" inputMode="decimal" value={relTol} onChange={(e) => setRelTol(e.target.value)} />
                </div>
              </>
            ) : null}
            <label className="option form__full">
              <input type="checkbox" checked={stopFirst} onChange={(e) => setStopFirst(e.target.checked)} />
              <span>{t('taskForm.stopFirst')}</span>
            </label>
            {checker === 'custom' ? (
              <div className="field form__full">
                <div className="field__row">
                  <span className="field__label">{t('taskForm.checkerSource')}</span>
                  <select aria-label={t('taskForm.checkerLanguage')} value={checkerLanguage} onChange={(e) => setCheckerLanguage(e.target.value)}>
                    {langs.map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.name}
                      </option>
                    ))}
                  </select>
                </div>
                <CodeEditor value={checkerSource} docKey="checker" language={checkerLanguage} onChange={setCheckerSource} label={t('taskForm.checkerSource')} />
                <p className="field-hint">{t('taskForm.checkerHint')}</p>
              </div>
            ) : null}
          </div>
        </Card>

        <Card id="task-starter" title={t('taskForm.starter')}>
          <p className="muted">{t('taskForm.starterIntro')}</p>
          {langs.length ? (
            <>
              <div className="toolbar">
                <label htmlFor="tf-starter-lang" className="toolbar__label">
                  {t('task.language')}
                </label>
                <select id="tf-starter-lang" value={starterLang} onChange={(e) => setStarterLanguage(e.target.value)}>
                  {langs.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                      {starter[l.id]?.trim() ? ' ✓' : ''}
                    </option>
                  ))}
                </select>
              </div>
              <CodeEditor
                value={starter[starterLang] ?? ''}
                docKey={`starter:${starterLang}`}
                language={starterLang}
                onChange={(code) => setStarter((s) => ({ ...s, [starterLang]: code }))}
                label={t('taskForm.starterFor', { language: starterLang })}
              />
            </>
          ) : (
            <p className="muted">{t('taskForm.noLanguages')}</p>
          )}
        </Card>

        <Card id="task-groups" title={t('taskForm.groups')}>
          <p className="muted">{t('taskForm.groupsIntro')}</p>
          {groups.map((g, gi) => (
            <fieldset key={gi} className="fieldset group-edit" data-testid="group-edit">
              <legend>{t('taskForm.groupN', { n: gi + 1 })}</legend>
              <div className="form form--grid">
                <div className="field">
                  <label htmlFor={`g${gi}-name`}>{t('taskForm.groupName')}</label>
                  <input id={`g${gi}-name`} type="text" value={g.name} onChange={(e) => setGroup(gi, { name: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`g${gi}-points`}>{t('taskForm.groupPoints')}</label>
                  <input id={`g${gi}-points`} type="number" min={0} value={g.points} onChange={(e) => setGroup(gi, { points: e.target.value })} />
                </div>
                <div className="field field--end">
                  <button type="button" className="button button--small button--danger" disabled={groups.length <= 1} onClick={() => setGroups((gs) => gs.filter((_, i) => i !== gi))}>
                    {t('taskForm.removeGroup')}
                  </button>
                </div>
              </div>
              {g.tests.map((x, ti) => (
                <div key={ti} className="test-edit">
                  <div className="field">
                    <label htmlFor={`g${gi}t${ti}-in`}>{t('taskForm.testInput', { n: ti + 1 })}</label>
                    <textarea id={`g${gi}t${ti}-in`} className="mono" rows={3} value={x.input} onChange={(e) => setTest(gi, ti, { input: e.target.value })} />
                  </div>
                  <div className="field">
                    <label htmlFor={`g${gi}t${ti}-out`}>{t('taskForm.testAnswer', { n: ti + 1 })}</label>
                    <textarea id={`g${gi}t${ti}-out`} className="mono" rows={3} value={x.answer} onChange={(e) => setTest(gi, ti, { answer: e.target.value })} />
                  </div>
                  <div className="test-edit__side">
                    <label className="option">
                      <input type="checkbox" checked={x.visible} onChange={(e) => setTest(gi, ti, { visible: e.target.checked })} />
                      <span>{t('taskForm.visible')}</span>
                    </label>
                    <button
                      type="button"
                      className="button button--small"
                      disabled={g.tests.length <= 1}
                      onClick={() => setGroup(gi, { tests: g.tests.filter((_, j) => j !== ti) })}
                    >
                      {t('taskForm.removeTest')}
                    </button>
                  </div>
                </div>
              ))}
              <button type="button" className="button button--small" onClick={() => setGroup(gi, { tests: [...g.tests, newTest(g.tests[0]?.visible ?? false)] })}>
                {t('taskForm.addTest')}
              </button>
            </fieldset>
          ))}
          <button type="button" className="button button--small" onClick={() => setGroups((gs) => [...gs, { name: `group-${gs.length + 1}`, points: '0', tests: [newTest()] }])}>
            {t('taskForm.addGroup')}
          </button>
        </Card>

        <FormError message={problem} />
        <div className="row-actions">
          <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy || undefined} data-testid="task-form-submit">
            {t('taskForm.create')}
          </button>
          <Link to="/hr/tasks" className="button">
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </div>
  )
}
