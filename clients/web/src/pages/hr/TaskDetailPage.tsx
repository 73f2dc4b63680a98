import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api, isApiError } from '../../api'
import { Card, ResourceView } from '../../components/Card'
import { CodeEditor } from '../../components/CodeEditor'
import { Markdown } from '../../components/Markdown'
import { useFormatters } from '../../format'
import { useDocumentTitle, useResource } from '../../hooks'
import { translateOptional } from '../../i18n'
import { languageName } from '../../screening/languages'
import { NotFoundPage } from '../NotFoundPage'
import { HrNav } from './HrNav'

/** `/hr/tasks/:id`: a task as authored: statement, limits, checker, starter code, tests. */
export function TaskDetailPage() {
  const { t } = useTranslation()
  const f = useFormatters()
  const { id = '' } = useParams()
  const task = useResource(() => api.task(id), id)
  useDocumentTitle('title.task', task.data?.title)
  if (isApiError(task.error) && task.error.status === 404) return <NotFoundPage />
  return (
    <div className="page" data-testid="task-detail">
      <p className="breadcrumbs">
        <Link to="/hr/tasks">{t('tasks.back')}</Link>
      </p>
      <ResourceView resource={task}>
        {(d) => (
          <>
            <div className="page-head">
              <h1>{d.title}</h1>
              <ul className="chips">
                <li>{t('task.cpuLimit', { time: f.limit(d.limits.cpu_ms) })}</li>
                <li>{t('task.memoryLimit', { memory: f.memory(d.limits.memory_mb * 1024) })}</li>
                <li>{translateOptional('checkers', d.checker.kind)}</li>
                {d.origin ? <li>{d.origin}</li> : null}
              </ul>
            </div>
            <HrNav />
            <div className="grid">
              <Card id="task-statement" title={t('taskForm.statement')} className="card--wide">
                <Markdown text={d.statement} headingShift={2} />
              </Card>
              {Object.entries(d.starter_code).map(([lang, code]) => (
                <Card key={lang} id={`starter-${lang}`} title={t('taskForm.starterFor', { language: languageName(lang) })}>
                  <CodeEditor value={code} docKey={lang} language={lang} readOnly label={t('taskForm.starterFor', { language: languageName(lang) })} />
                </Card>
              ))}
              <Card id="task-tests" title={t('taskForm.groups')} className="card--wide">
                {d.groups.map((g) => (
                  <section key={g.name} className="report-task">
                    <h3>
                      {g.name} <span className="muted">{t('task.points', { count: g.points })}</span>
                    </h3>
                    <div className="table-wrap">
                      <table className="table table--compact">
                        <thead>
                          <tr>
                            <th scope="col">{t('judge.colTest')}</th>
                            <th scope="col">{t('taskForm.input')}</th>
                            <th scope="col">{t('taskForm.answer')}</th>
                            <th scope="col">{t('taskForm.visible')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {g.tests.map((x) => (
                            <tr key={x.name}>
                              <th scope="row">{x.name}</th>
                              <td>
                                <pre className="output output--cell">{x.input}</pre>
                              </td>
                              <td>
                                <pre className="output output--cell">{x.answer}</pre>
                              </td>
                              <td>{x.visible ? t('common.yes') : t('common.no')}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  </section>
                ))}
              </Card>
            </div>
          </>
        )}
      </ResourceView>
    </div>
  )
}
