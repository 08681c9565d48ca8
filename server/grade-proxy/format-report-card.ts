import { escapeXml, stripXmlInvalid } from '../report/xml-escape.js'
import type { HelloSummary, ProxyReportCard } from './report-card.js'

/** A product that was not graded, and why (not installed, failed to start). */
export interface SkippedProduct {
  productId: string
  reason: string
}

export interface GradeRun {
  cards: ProxyReportCard[]
  skipped: SkippedProduct[]
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The summary table: one row per product, with the checks that decided its grade. */
export function formatGradeTable(run: GradeRun): string {
  const lines = ['| product | grade | decided by | reproduce |', '|---|---|---|---|']
  for (const card of run.cards) {
    const decided = card.decidedBy.length === 0 ? 'no failed check' : card.decidedBy.join(', ')
    const control = card.controlRelayed ? '' : ' (control not relayed!)'
    lines.push(`| ${cell(card.productId)} | **${card.grade}**${control} | ${cell(decided)} | \`${cell(card.reproduce)}\` |`)
  }
  for (const skipped of run.skipped) lines.push(`| ${cell(skipped.productId)} | skipped | ${cell(skipped.reason)} | |`)
  return lines.join('\n') + '\n'
}

/** A report card in Markdown: grade, defects (what reached the client), the checks behind the grade. */
export function formatReportCardMarkdown(card: ProxyReportCard): string {
  const lines = [
    `### ${card.productId}: grade ${card.grade}`,
    '',
    `${card.description}. Graded ${card.gradedAt}. Reproduce: \`${card.reproduce}\`.`,
    '',
    card.decidedBy.length === 0 ? 'No graded check failed.' : `Decided by: ${card.decidedBy.map((id) => `\`${id}\``).join(', ')}.`,
    '',
    '| upstream defect | verdict | client leg | chain the client got | upstream leg |',
    '|---|---|---|---|---|',
  ]
  for (const defect of card.defects) {
    const leaf = defect.client.chain[0]
    const chain = leaf === undefined ? '-' : `${leaf.subject} ← ${leaf.issuer}${defect.client.verifier?.step == null ? '' : ` (${defect.client.verifier.step} ${defect.client.verifier.code ?? ''})`}`
    const client = defect.client.protocol === null ? (defect.client.error ?? defect.client.stage) : `${defect.client.protocol} ${defect.client.group ?? ''} HTTP ${defect.client.httpStatus ?? '-'}`
    const upstream = defect.upstream.map((u) => (u.handshake === 'completed' ? `${u.protocol ?? ''} ${u.cipher ?? ''} ${u.group ?? ''}` : u.handshake === 'failed' ? `failed: ${u.error ?? ''}` : 'handshake not completed')).join('; ') || 'no connection'
    lines.push(`| ${cell(defect.defectId)} | ${defect.verdict} | ${cell(client)} | ${cell(chain)} | ${cell(upstream)} |`)
  }
  const upstreamHello = card.defects.find((d) => d.defectId === 'control')?.upstream.find((u) => u.hello !== null)?.hello ?? null
  const helloLine = (who: string, hello: HelloSummary | null): string =>
    hello === null
      ? `- ${who}: none recorded`
      : `- ${who}: ${hello.versions.join(', ')}; ${hello.cipherSuites.length} suites; groups ${hello.groups.join(', ')} (key shares ${hello.keyShares.join(', ')}); JA4 \`${hello.ja4}\``
  lines.push('', 'Hellos (what the client offered, what the product offered the control upstream):', '', helloLine('client', card.clientHello), helloLine('product, upstream', upstreamHello))
  lines.push('', '| check | result | cap | evidence |', '|---|---|---|---|')
  for (const check of card.checks) lines.push(`| ${cell(check.title)} (\`${check.id}\`) | ${check.result} | ${check.cap ?? '-'} | ${cell(check.evidence)} |`)
  if (card.notServed.length > 0) {
    lines.push('', 'Not served by the lab: ' + card.notServed.map((n) => `${n.id} (${n.reason})`).join('; ') + '.')
  }
  return lines.join('\n') + '\n'
}

export function formatGradeRunMarkdown(run: GradeRun): string {
  return ['## Interception products graded', '', formatGradeTable(run), ...run.cards.map(formatReportCardMarkdown)].join('\n')
}

export function formatGradeRunJson(run: GradeRun): string {
  return JSON.stringify(run, null, 2) + '\n'
}

const text = (value: string): string => escapeXml(stripXmlInvalid(value))

/**
 * JUnit XML: one suite per product, one case per check. A failed graded check
 * is a `<failure>` naming the grade it caps; measured-only rows and checks that
 * do not apply are `<skipped>` with their evidence; a product not graded is a
 * suite with one skipped case giving the reason.
 */
export function formatGradeRunJunit(run: GradeRun): string {
  const suites = run.cards.map((card) => {
    const failures = card.checks.filter((c) => c.result === 'fail').length
    const skipped = card.checks.filter((c) => c.result === 'info' || c.result === 'n/a').length
    const cases = card.checks.map((check) => {
      const open = `    <testcase classname="grade-proxy.${text(card.productId)}" name="${text(check.id)}: ${text(check.title)}">`
      if (check.result === 'fail') return `${open}\n      <failure message="${text(`caps the grade at ${check.cap ?? '-'}`)}">${text(check.evidence)}</failure>\n    </testcase>`
      if (check.result === 'info' || check.result === 'n/a') return `${open}\n      <skipped message="${text(check.result)}">${text(check.evidence)}</skipped>\n    </testcase>`
      return `${open}</testcase>`
    })
    return [`  <testsuite name="${text(`${card.productId} (grade ${card.grade})`)}" tests="${card.checks.length}" failures="${failures}" skipped="${skipped}" errors="0">`, ...cases, '  </testsuite>'].join('\n')
  })
  const skippedSuites = run.skipped.map(
    (s) => `  <testsuite name="${text(s.productId)}" tests="1" failures="0" skipped="1" errors="0">\n    <testcase classname="grade-proxy.${text(s.productId)}" name="graded">\n      <skipped message="${text(s.reason)}"/>\n    </testcase>\n  </testsuite>`,
  )
  const tests = run.cards.reduce((n, c) => n + c.checks.length, 0) + run.skipped.length
  const failures = run.cards.reduce((n, c) => n + c.checks.filter((x) => x.result === 'fail').length, 0)
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="mitmlab grade-proxy" tests="${tests}" failures="${failures}" errors="0">`, ...suites, ...skippedSuites, '</testsuites>', ''].join('\n')
}
