import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { TaskStatement } from '../api'
import { Markdown } from '../components/Markdown'
import { useFormatters } from '../format'

/**
 * A task as its candidate reads it: the limits, the Markdown statement and the samples. The
 * attempt's task panel and the interview room's task panel show the same thing, from the same
 * server view, so they share this.
 */
export function Statement({
  task,
  headingShift,
  moreLimits,
}: {
  task: TaskStatement
  /** How far the statement's own headings move down, to sit under the panel's heading. */
  headingShift: number
  /** More chips after the limits (an attempt's task has a weight). */
  moreLimits?: ReactNode
}) {
  const { t } = useTranslation()
  const f = useFormatters()
  return (
    <>
      <ul className="chips" aria-label={t('task.limits')} data-testid="task-limits">
        <li>{t('task.cpuLimit', { time: f.limit(task.limits.cpu_ms) })}</li>
        <li>{t('task.memoryLimit', { memory: f.memory(task.limits.memory_mb * 1024) })}</li>
        {moreLimits}
      </ul>
      <Markdown text={task.statement} testId="task-statement" headingShift={headingShift} />
      {task.samples.length ? (
        <div className="samples">
          <h3>{t('task.samples')}</h3>
          {task.samples.map((sample, index) => (
            <div className="sample" key={`${sample.name}-${index}`} data-testid="task-sample">
              <div>
                <p className="sample__label">{t('task.sampleInput', { n: index + 1 })}</p>
                <pre className="output">{sample.input}</pre>
              </div>
              <div>
                <p className="sample__label">{t('task.sampleOutput', { n: index + 1 })}</p>
                <pre className="output">{sample.answer}</pre>
              </div>
            </div>
          ))}
        </div>
      ) : null}
    </>
  )
}
