import type { ScenarioResult } from '../lab/scenario-result.js'
import { STEP_IDS, STEP_TITLES } from '../steps/step-ids.js'
import type { CertSummary } from '../verifier/types.js'
import { REPORT_CSS } from './html-styles.js'
import { findingOf, type RunReport } from './run-report.js'
import { escapeXml } from './xml-escape.js'

const h = escapeXml
const MARK = { pass: '✓', fail: '✗', skip: '·' } as const

/**
 * A self-contained HTML report: the matrix (scenarios × steps, the catching
 * step outlined), then one card per result with the trainee explanation, the
 * step sentences, what the proxy saw and the presented chain next to the
 * genuine one. No script, no external resource: it opens offline and prints.
 */
export function formatHtmlReport(report: RunReport): string {
  const { run, results } = report
  const attacks = results.filter((r) => r.kind === 'attack')
  const body = [
    `<h1>mitmlab run <code>${h(run.id)}</code></h1>`,
    `<p class="muted">Started ${h(run.startedAt)} · status ${h(run.status)} · generated ${h(report.generatedAt)}</p>`,
    '<div class="summary">',
    stat('scenarios', results.length),
    // A scenario that could not be run caught nothing, whatever its default verdict says.
    stat('attacks caught', attacks.filter((r) => r.verdict === 'reject' && r.error === null).length),
    stat('attacks accepted', attacks.filter((r) => r.verdict === 'accept').length),
    stat('credential leaks', results.filter((r) => r.leaked).length),
    stat('unexpected', results.filter((r) => !r.asExpected).length),
    '</div>',
    '<h2>Which step catches each attack</h2>',
    matrix(results),
    '<h2>Scenarios</h2>',
    ...results.map((result) => scenarioCard(report, result)),
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

function scenarioCard(report: RunReport, result: ScenarioResult): string {
  const info = report.scenarios[result.scenarioId]
  const finding = findingOf(result)
  const outcome =
    result.error !== null
      ? 'Not run'
      : result.verdict === 'reject'
      ? `Stopped at <b>${h(result.catchingStep ?? '?')}</b> <code>${h(result.code ?? '')}</code>`
      : result.leaked
        ? '<span class="leak">Accepted: the credentials leaked to the proxy</span>'
        : 'Accepted'
  const proxySaw = result.connections
    .map((c) =>
      c.plaintext.credentials.length > 0
        ? `<li class="leak">read in the clear: ${c.plaintext.credentials.map((cr) => `${h(cr.field)}=${h(cr.value)}`).join(', ')}</li>`
        : `<li>${h(c.outcome)}${c.clientAlert ? `, alert <code>${h(c.clientAlert)}</code>` : ''}${c.mode === 'passthrough' ? ' — ciphertext only' : ''}</li>`,
    )
    .join('')
  const steps = result.steps
    .filter((s) => s.status !== 'skip')
    .map((s) => `<li class="${s.status}">${MARK[s.status]} <b>${s.step}</b> ${s.code ? `<code>${h(s.code)}</code> ` : ''}${h(s.message)}</li>`)
    .join('')
  return `<section class="scenario" id="${h(anchor(result))}">
<h3>${h(info?.title ?? result.scenarioId)} <span class="muted">(${h(result.scenarioId)}, ${h(result.clientId)}, ${result.kind})</span></h3>
<p>${outcome}. Expected: ${h(result.expected.step ?? `verdict ${result.expected.verdict}`)}. ${finding === 'ok' ? '' : `<b class="fail">${h(finding)}</b>`}
${result.asExpected ? '' : `<br><b class="fail">Unexpected:</b> ${h(result.mismatches.join('; '))}`}</p>
${info?.explanation ? `<p>${h(info.explanation)}</p>` : ''}
${info && info.references.length > 0 ? `<p class="muted">References: ${info.references.map(h).join(' · ')}</p>` : ''}
<h4>Steps</h4><ul class="steps">${steps}</ul>
<h4>What the proxy saw</h4><ul>${proxySaw || '<li>no proxy on the path</li>'}</ul>
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
