import type { ScenarioResult } from '../lab/scenario-result.js'
import { findingOf, type RunReport } from './run-report.js'
import { escapeXml, stripXmlInvalid } from './xml-escape.js'

const text = (value: string): string => escapeXml(stripXmlInvalid(value))

/**
 * JUnit XML in the shape Jenkins, GitLab and GitHub reporters read
 * (testsuites > testsuite > testcase, with failure/error children): one test
 * case per scenario × client. A client that accepts an attack or rejects a
 * control fails, with the explanation of the step that should have caught it.
 */
export function formatJunitReport(report: RunReport): string {
  const byClient = new Map<string, ScenarioResult[]>()
  for (const result of report.results) byClient.set(result.clientId, [...(byClient.get(result.clientId) ?? []), result])
  const suites = [...byClient.entries()].map(([clientId, results]) => suite(report, clientId, results))
  const failures = report.results.filter((r) => ['accepted-attack', 'rejected-control'].includes(findingOf(r))).length
  const errors = report.results.filter((r) => findingOf(r) === 'error').length
  const seconds = report.results.reduce((sum, r) => sum + r.durationMs, 0) / 1000
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mitmlab run ${text(report.run.id)}" tests="${report.results.length}" failures="${failures}" errors="${errors}" time="${seconds.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}

function suite(report: RunReport, clientId: string, results: ScenarioResult[]): string {
  const failures = results.filter((r) => ['accepted-attack', 'rejected-control'].includes(findingOf(r))).length
  const errors = results.filter((r) => findingOf(r) === 'error').length
  const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000
  const cases = results.map((result) => testCase(report, result))
  return [
    `  <testsuite name="${text(clientId)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds.toFixed(3)}" timestamp="${text(report.run.startedAt)}">`,
    `    <properties><property name="run" value="${text(report.run.id)}"/><property name="client" value="${text(clientId)}"/></properties>`,
    ...cases,
    '  </testsuite>',
  ].join('\n')
}

function testCase(report: RunReport, result: ScenarioResult): string {
  const info = report.scenarios[result.scenarioId]
  const name = `${result.scenarioId}${info && info.title !== result.scenarioId ? ` — ${info.title}` : ''}`
  const open = `    <testcase classname="mitmlab.${text(result.clientId)}" name="${text(name)}" time="${(result.durationMs / 1000).toFixed(3)}">`
  const finding = findingOf(result)
  const catching = result.catchingStep === null ? 'no step' : `${result.catchingStep} (${result.code ?? ''})`
  const expected = result.expected.step === null ? `verdict ${result.expected.verdict}` : `step ${result.expected.step}`
  const detail = text(
    [
      `expected: ${expected}; actual: ${result.verdict}, caught by ${catching}; credentials leaked: ${result.leaked ? 'yes' : 'no'}`,
      info?.explanation ?? '',
      ...result.steps.filter((s) => s.status === 'fail').map((s) => `${s.step} ${s.code ?? ''}: ${s.message}`),
    ].join('\n'),
  )
  const body =
    finding === 'accepted-attack'
      ? `      <failure type="accepted-attack" message="${text(`The client accepted the attack${result.leaked ? ' and leaked the credentials' : ''}`)}">${detail}</failure>`
      : finding === 'rejected-control'
        ? `      <failure type="rejected-control" message="${text(`The client rejected a control at ${catching}`)}">${detail}</failure>`
        : finding === 'error'
          ? `      <error type="scenario-error" message="${text(result.error?.split('\n')[0] ?? '')}">${text(result.error ?? '')}</error>`
          : `      <system-out>${detail}</system-out>`
  return [open, body, '    </testcase>'].join('\n')
}
