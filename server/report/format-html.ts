import type { ScenarioResult } from '../lab/scenario-result.js'
import { describeKeyExchange } from './key-exchange-summary.js'
import { STEP_IDS, STEP_TITLES } from '../steps/step-ids.js'
import type { CertSummary } from '../verifier/types.js'
import { REPORT_CSS } from './html-styles.js'
import { gatePolicyOf, gateVerdict } from './ci-gate.js'
import { clientIdsOf, clientVersionsOf, describeRunShape, runShapeOf, summarizeClients } from './client-summary.js'
import { findingOf, type RunReport } from './run-report.js'
import { escapeXml } from './xml-escape.js'

const h = escapeXml
const MARK = { pass: '✓', fail: '✗', skip: '·' } as const

/**
 * A self-contained HTML report: the gate's verdict and the run's shape, one
 * row per client (grade and why), the matrix (scenario × client rows × steps,
 * the catching step outlined), then one folded `<details>` per scenario whose
 * summary line gives every client's outcome; opened, it shows the trainee
 * explanation and per client the step sentences, what the proxy saw and the
 * presented chain next to the genuine one. No script, no external resource:
 * it opens offline, and prints folded (summaries only) unless opened.
 */
export function formatHtmlReport(report: RunReport): string {
  const { run, results } = report
  const attacks = results.filter((r) => r.kind === 'attack')
  const shape = runShapeOf(results)
  const verdict = gateVerdict(results, gatePolicyOf(run.options))
  const scenarioIds = [...new Set(results.map((r) => r.scenarioId))]
  const body = [
    `<h1>mitmlab run <code>${h(run.id)}</code></h1>`,
    `<p class="muted">Started ${h(run.startedAt)} · status ${h(run.status)} · ${h(describeRunShape(shape))} · generated ${h(report.generatedAt)}</p>`,
    `<p class="${verdict.isPassed ? 'pass' : 'fail'}"><b>${h(verdict.summary)}</b></p>`,
    '<div class="summary">',
    stat('scenarios', shape.scenarios),
    stat('clients', shape.clients),
    // A scenario that could not be run caught nothing, whatever its default verdict says.
    stat('attacks caught', attacks.filter((r) => r.verdict === 'reject' && r.error === null).length),
    stat('false accepts', results.filter((r) => findingOf(r) === 'accepted-attack').length),
    stat('not exercised', results.filter((r) => findingOf(r) === 'not-exercised').length),
    stat('credential leaks', results.filter((r) => r.leaked).length),
    stat('unexpected', results.filter((r) => !r.asExpected).length),
    '</div>',
    '<h2>Clients</h2>',
    clientTable(report),
    '<h2>Which step catches each attack</h2>',
    matrix(results),
    '<h2>Scenarios</h2>',
    '<p class="muted">Each scenario is folded: its line gives every client\'s outcome; open it for the explanation, the steps, what the proxy saw and the chains.</p>',
    ...scenarioIds.map((id) => scenarioGroup(report, id, results.filter((r) => r.scenarioId === id))),
  ].join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>mitmlab report ${h(run.id)}</title><style>${REPORT_CSS}</style></head>
<body>
${body}
</body></html>
`
}

function stat(label: string, value: number): string {
  return `<div><b>${value}</b>${h(label)}</div>`
}

function matrix(results: ScenarioResult[]): string {
  const header = STEP_IDS.map((step) => `<th title="${h(STEP_TITLES[step])}">${step}</th>`).join('')
  const rows = results.map((result) => {
    const cells = STEP_IDS.map((id) => {
      const step = result.steps.find((s) => s.step === id)
      if (step === undefined) return '<td class="s skip">–</td>'
      const isCatch = result.catchingStep === id
      const title = `${id} ${step.status}${step.code ? ` ${step.code}` : ''}: ${step.message}`
      return `<td class="s ${step.status}${isCatch ? ' catch' : ''}" title="${h(title)}">${MARK[step.status]}</td>`
    }).join('')
    return `<tr><td><a href="#${h(anchor(result))}">${h(result.scenarioId)}</a>${result.clientId === 'lab-verifier' ? '' : ` <span class="muted">${h(result.clientId)}</span>`}</td>${cells}<td>${result.verdict}</td><td class="${result.leaked ? 'leak' : ''}">${result.leaked ? 'LEAKED' : 'no'}</td></tr>`
  })
  return `<table class="matrix"><thead><tr><th>scenario</th>${header}<th>verdict</th><th>credentials</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">✓ pass · ✗ fail · · skipped; the outlined cell is the step that caught the attack.</p>`
}

function clientTable(report: RunReport): string {
  const rows = summarizeClients(report.results, clientVersionsOf(report.run.options), clientIdsOf(report.run.options)).map(
    (s) =>
      `<tr><td>${h(s.clientId)}</td><td class="muted">${h(s.version ?? '—')}</td><td><b>${h(s.grade.grade ?? '—')}</b> ${h(s.grade.reason)}</td>` +
      `<td>${s.falseAccepts}/${s.attacks}</td><td>${s.falseRejects}/${s.controls}</td><td>${s.notExercised}</td><td>${s.unmapped}</td><td>${h(s.fallsFor.join(', ') || '—')}</td></tr>`,
  )
  return `<table><thead><tr><th>client</th><th>version</th><th>grade</th><th>false accepts</th><th>false rejects</th><th>not exercised</th><th>unmapped</th><th>falls for</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** One folded scenario: the summary line names every client's outcome; the cards are on demand. */
function scenarioGroup(report: RunReport, scenarioId: string, results: ScenarioResult[]): string {
  const info = report.scenarios[scenarioId]
  const first = results[0]
  const isOpen = results.some((r) => !r.asExpected)
  const outcomes = results.map((r) => `<span class="${r.asExpected ? '' : 'fail'}">${h(r.clientId)}: ${outcomeOf(r)}</span>`).join(' · ')
  return `<details class="scenario" id="${h(scenarioId)}"${isOpen ? ' open' : ''}>
<summary><b>${h(info?.title ?? scenarioId)}</b> <span class="muted">(${h(scenarioId)}, ${h(first?.kind ?? '')}, expected ${h(first?.expected.step ?? `verdict ${first?.expected.verdict ?? '?'}`)})</span><br>${outcomes}</summary>
${info?.explanation ? `<p>${h(info.explanation)}</p>` : ''}
${info && info.references.length > 0 ? `<p class="muted">References: ${info.references.map(h).join(' · ')}</p>` : ''}
${results.map((result) => scenarioCard(report, result)).join('\n')}
</details>`
}

function outcomeOf(result: ScenarioResult): string {
  if (result.error !== null) return '<b class="fail">Not run</b>'
  if (findingOf(result) === 'not-exercised') return 'not exercised'
  return result.verdict === 'reject'
    ? `Stopped at <b>${h(result.catchingStep ?? '?')}</b> <code>${h(result.code ?? '')}</code>`
    : result.leaked
      ? '<span class="leak">Accepted: the credentials leaked to the proxy</span>'
      : 'Accepted'
}

function scenarioCard(report: RunReport, result: ScenarioResult): string {
  const info = report.scenarios[result.scenarioId]
  const finding = findingOf(result)
  const outcome = outcomeOf(result)
  const proxySaw = result.connections
    .map((c) =>
      c.plaintext.credentials.length > 0
        ? `<li class="leak">read in the clear: ${c.plaintext.credentials.map((cr) => `${h(cr.field)}=${h(cr.value)}`).join(', ')}</li>`
        : `<li>${h(c.outcome)}${c.clientAlert ? `, alert <code>${h(c.clientAlert)}</code>` : ''}${c.mode === 'passthrough' ? ' — ciphertext only' : ''}</li>`,
    )
    .join('')
  const keyExchange = describeKeyExchange(result)
  const steps = result.steps
    .filter((s) => s.status !== 'skip')
    .map((s) => `<li class="${s.status}">${MARK[s.status]} <b>${s.step}</b> ${s.code ? `<code>${h(s.code)}</code> ` : ''}${h(s.message)}</li>`)
    .join('')
  return `<section class="client-result" id="${h(anchor(result))}">
<h3>${h(result.clientId)} <span class="muted">on ${h(info?.title ?? result.scenarioId)}</span></h3>
<p>${outcome}. Expected: ${h(result.expected.step ?? `verdict ${result.expected.verdict}`)}. ${finding === 'ok' ? '' : `<b class="fail">${h(finding)}</b>`}
${result.external?.notExercised === undefined ? '' : `<br>${h(result.external.notExercised)}`}
${result.asExpected ? '' : `<br><b class="fail">Unexpected:</b> ${h(result.mismatches.join('; '))}`}</p>
<h4>Steps</h4><ul class="steps">${steps}</ul>
<h4>What the proxy saw</h4><ul>${proxySaw || '<li>no proxy on the path</li>'}</ul>
${keyExchange === null ? '' : `<h4>Key exchange</h4><p>${h(keyExchange)}</p>`}
${chainComparison(result.client?.presentedChain ?? [], report.genuineChain)}
</section>`
}

function chainComparison(presented: CertSummary[], genuine: CertSummary[]): string {
  if (presented.length === 0) return ''
  const column = (title: string, chain: CertSummary[], other: CertSummary[]): string =>
    `<div><h4>${h(title)}</h4>${chain.map((cert, index) => certTable(cert, other[index])).join('')}</div>`
  return `<div class="chains">${column('Shown to the client', presented, genuine)}${column('Genuine chain', genuine, presented)}</div>`
}

function certTable(cert: CertSummary, other: CertSummary | undefined): string {
  const rows: [string, string, string | undefined][] = [
    ['subject', cert.subject, other?.subject],
    ['issuer', cert.issuer, other?.issuer],
    ['SANs', cert.sans.map((s) => `${s.type}:${s.value}`).join(', '), other?.sans.map((s) => `${s.type}:${s.value}`).join(', ')],
    ['valid', `${cert.notBefore} → ${cert.notAfter}`, other ? `${other.notBefore} → ${other.notAfter}` : undefined],
    ['key', cert.publicKey, other?.publicKey],
    ['signature', cert.signatureAlgorithm, other?.signatureAlgorithm],
    ['CA', `${cert.isCa ?? 'absent'}${cert.pathLen === null ? '' : `, pathLen ${cert.pathLen}`}`, other ? `${other.isCa ?? 'absent'}${other.pathLen === null ? '' : `, pathLen ${other.pathLen}`}` : undefined],
    ['SPKI sha256', cert.spkiSha256, other?.spkiSha256],
    ['extensions', cert.extensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`).join(', '), other?.extensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`).join(', ')],
  ]
  const body = rows
    .map(([label, value, otherValue]) => `<tr class="${otherValue !== undefined && otherValue !== value ? 'diff' : ''}"><th>${label}</th><td>${h(value)}</td></tr>`)
    .join('')
  return `<table>${body}</table><br>`
}

function anchor(result: ScenarioResult): string {
  return `${result.scenarioId}--${result.clientId}`
}
