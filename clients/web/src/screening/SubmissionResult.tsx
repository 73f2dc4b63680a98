import { useTranslation } from 'react-i18next'
import type { Sample, TestResult } from '../api'
import { useFormatters } from '../format'
import { translateOptional } from '../i18n'
import { VerdictTag } from './tags'

/** What the verdict table needs of a submission, a sample run or a report's submission. */
export interface JudgedSubmission {
  id: string
  status?: string
  verdict: string | null
  score: number | null
  max_score: number | null
  compile_output?: string | null
  cpu_ms: number | null
  memory_kb: number | null
  tests: TestResult[] | null
  samples_only?: boolean
}

export function isDone(submission: { status?: string; verdict: string | null }): boolean {
  return submission.status ? submission.status === 'done' : submission.verdict !== null
}

function expectedOf(test: TestResult, samples: readonly Sample[]): string | null {
  if (typeof test.answer === 'string') return test.answer
  if (typeof test.expected === 'string') return test.expected
  return samples.find((s) => s.name === test.name)?.answer ?? null
}

/**
 * A judged submission: its verdict and score, compiler output, and a row per test with
 * name, group, verdict, time and memory; for sample runs also the program's output and
 * the expected one.
 */
export function SubmissionResult({
  submission,
  samples = [],
  testId = 'submission-result',
}: {
  submission: JudgedSubmission
  samples?: readonly Sample[]
  testId?: string
}) {
  const { t } = useTranslation()
  const f = useFormatters()
  const done = isDone(submission)
  const tests = submission.tests ?? []
  const showOutput = Boolean(submission.samples_only) || tests.some((x) => typeof x.stdout === 'string')
  const showExpected = showOutput && tests.some((x) => expectedOf(x, samples) !== null)

  if (!done) {
    return (
      <div className="judge-result" data-testid={testId} data-status={submission.status ?? 'queued'}>
        <p className="judge-result__pending" role="status">
          <span className="spinner spinner--small" aria-hidden="true" />
          {submission.status === 'running' ? t('judge.running') : t('judge.queued')}
        </p>
      </div>
    )
  }

  return (
    <div
      className="judge-result"
      data-testid={testId}
      data-status="done"
      data-verdict={submission.verdict ?? ''}
      data-samples-only={submission.samples_only ? 'true' : 'false'}
    >
      <p className="judge-result__summary" data-testid="verdict-summary" role="status">
        <VerdictTag verdict={submission.verdict} />
        <span>{translateOptional('verdicts', submission.verdict ?? '', submission.verdict ?? '')}</span>
        {submission.samples_only ? (
          <span className="muted">{t('judge.samplesOnly')}</span>
        ) : submission.score !== null && submission.max_score !== null ? (
          <span data-testid="submission-score">
            {t('judge.score', { score: submission.score, max: submission.max_score })}
          </span>
        ) : null}
        {submission.cpu_ms !== null && tests.length ? (
          <span className="muted">{t('judge.maxTime', { time: f.cpu(submission.cpu_ms) })}</span>
        ) : null}
        {submission.memory_kb !== null && tests.length ? (
          <span className="muted">{t('judge.maxMemory', { memory: f.memory(submission.memory_kb) })}</span>
        ) : null}
      </p>
      {submission.compile_output ? (
        <details className="judge-result__compile" open={submission.verdict === 'CE'}>
          <summary>{t('judge.compileOutput')}</summary>
          <pre className="output">{submission.compile_output}</pre>
        </details>
      ) : null}
      {tests.length ? (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="verdict-table">
            <thead>
              <tr>
                <th scope="col">{t('judge.colTest')}</th>
                <th scope="col">{t('judge.colGroup')}</th>
                <th scope="col">{t('judge.colVerdict')}</th>
                <th scope="col">{t('judge.colTime')}</th>
                <th scope="col">{t('judge.colMemory')}</th>
                {showOutput ? <th scope="col">{t('judge.colOutput')}</th> : null}
                {showExpected ? <th scope="col">{t('judge.colExpected')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {tests.map((test, index) => {
                const expected = showExpected ? expectedOf(test, samples) : null
                return (
                  <tr key={`${test.name}-${index}`} data-testid="verdict-row" data-verdict={test.verdict} data-test={test.name}>
                    <th scope="row" className="cell--nowrap">
                      {test.name}
                    </th>
                    <td className="cell--nowrap">{test.group}</td>
                    <td>
                      <VerdictTag verdict={test.verdict} />
                      {test.message ? <p className="cell-note">{test.message}</p> : null}
                    </td>
                    <td className="cell--nowrap">{f.cpu(test.cpu_ms)}</td>
                    <td className="cell--nowrap">{f.memory(test.memory_kb)}</td>
                    {showOutput ? (
                      <td>
                        {typeof test.stdout === 'string' ? (
                          <pre className="output output--cell" data-testid="test-stdout">{test.stdout || ' '}</pre>
                        ) : (
                          <span className="muted">{t('judge.hidden')}</span>
                        )}
                        {test.stderr ? (
                          <details>
                            <summary>{t('judge.stderr')}</summary>
                            <pre className="output output--cell">{test.stderr}</pre>
                          </details>
                        ) : null}
                      </td>
                    ) : null}
                    {showExpected ? (
                      <td>
                        {expected !== null ? (
                          <pre className="output output--cell" data-testid="test-expected">{expected || ' '}</pre>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  )
}
