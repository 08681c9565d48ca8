import type { ScenarioResult } from '../lab/scenario-result.js'
import { gateFailures, gatePolicyOf, gateVerdict, isJudged, type GatePolicy } from './ci-gate.js'
import { clientIdsOf, clientOrder } from './client-summary.js'
import { findingOf, type RunReport } from './run-report.js'
import { escapeXml, stripXmlInvalid } from './xml-escape.js'

const text = (value: string): string => escapeXml(stripXmlInvalid(value))

/**
 * JUnit XML in the shape Jenkins, GitLab and GitHub reporters read
 * (testsuites > testsuite > testcase, with failure/error/skipped children): one
 * test suite per client, one test case per scenario × client. A case fails
 * exactly when it fails the run's CI gate (server/report/ci-gate.ts, kept in
 * the run's options), so the file, the Markdown report and the exit code say
 * the same thing; a client the gate does not judge (the lab's own verifier
 * under `--fail-on accepted-attack`) has its findings as text, not failures.
 * A client that never met an attack (not exercised) is `<skipped>`.
 */
export function formatJunitReport(report: RunReport): string {
  const policy = gatePolicyOf(report.run.options)
  const failing = new Set(gateFailures(report.results, policy))
  const suites = clientOrder(report.results, clientIdsOf(report.run.options)).map((clientId) =>
    suite(report, policy, failing, clientId, report.results.filter((result) => result.clientId === clientId)),
  )
  const failures = [...failing].filter((r) => r.error === null).length
  const errors = [...failing].filter((r) => r.error !== null).length
  const seconds = report.results.reduce((sum, r) => sum + r.durationMs, 0) / 1000
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mitmlab run ${text(report.run.id)}" tests="${report.results.length}" failures="${failures}" errors="${errors}" time="${seconds.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

function suite(report: RunReport, policy: GatePolicy, failing: ReadonlySet<ScenarioResult>, clientId: string, results: ScenarioResult[]): string {
  const failures = results.filter((r) => failing.has(r) && r.error === null).length
  const errors = results.filter((r) => failing.has(r) && r.error !== null).length
  const skipped = results.filter((r) => findingOf(r) === 'not-exercised').length
  const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000
  const cases = results.map((result) => testCase(report, result, failing.has(result)))
  return [
    `  <testsuite name="${text(clientId)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds.toFixed(3)}" timestamp="${text(report.run.startedAt)}">`,
    `    <properties><property name="run" value="${text(report.run.id)}"/><property name="client" value="${text(clientId)}"/>` +
      `<property name="gate" value="${text(`--fail-on ${policy.failOn}`)}"/><property name="judged" value="${isJudged(policy, clientId) ? 'yes' : 'no'}"/>` +
      `<property name="verdict" value="${text(gateVerdict(report.results, policy).isPassed ? 'passed' : 'failed')}"/></properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n')
}

function testCase(report: RunReport, result: ScenarioResult, isFailing: boolean): string {
  const info = report.scenarios[result.scenarioId]
  const name = `${result.scenarioId}${info && info.title !== result.scenarioId ? ` — ${info.title}` : ''}`
  const open = `    <testcase classname="mitmlab.${text(result.clientId)}" name="${text(name)}" time="${(result.durationMs / 1000).toFixed(3)}">`
  const finding = findingOf(result)
  const catching = result.catchingStep === null ? 'no step' : `${result.catchingStep} (${result.code ?? ''})`
  const expected = result.expected.step === null ? `verdict ${result.expected.verdict}` : `step ${result.expected.step}`
  const detail = text(
    [
      `expected: ${expected}; actual: ${result.verdict}, caught by ${catching}; credentials leaked: ${result.leaked ? 'yes' : 'no'}; finding: ${finding}`,
      info?.explanation ?? '',
      ...result.mismatches,
      ...result.steps.filter((s) => s.status === 'fail').map((s) => `${s.step} ${s.code ?? ''}: ${s.message}`),
    ].join('\n'),
  )
  const body = !isFailing
    ? finding === 'not-exercised'
      ? `      <skipped message="${text(`not exercised: ${result.external?.notExercised ?? ''}`)}"/>`
      : `      <system-out>${detail}</system-out>`
    : finding === 'error'
      ? `      <error type="scenario-error" message="${text(result.error?.split('\n')[0] ?? '')}">${text(result.error ?? '')}</error>`
      : finding === 'accepted-attack'
        ? `      <failure type="accepted-attack" message="${text(`The client accepted the attack${result.leaked ? ' and leaked the credentials' : ''}`)}">${detail}</failure>`
        : finding === 'rejected-control'
          ? `      <failure type="rejected-control" message="${text(`The client rejected a control at ${catching}`)}">${detail}</failure>`
          : `      <failure type="unexpected" message="${text(result.mismatches.join('; ') || 'not as expected')}">${detail}</failure>`
  return [open, body, '    </testcase>'].join('\n')
}
