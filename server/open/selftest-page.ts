import { VICTIM_CREDENTIALS } from '../genuine/bank-site.js'

/** One row of the page, known before any probe runs. */
export interface SelfTestRow {
  scenarioId: string
  host: string
  title: string
  kind: 'attack' | 'control'
  expected: { verdict: 'accept' | 'reject'; step: string | null }
  explanation: string
}

export interface SelfTestPageParams {
  token: string
  runId: string
  probed: readonly SelfTestRow[]
  /** Served, but a browser cannot exercise them: with the reason. */
  needsLabClient: readonly { scenarioId: string; title: string; reason: string }[]
  /** Not served at all: with the reason. */
  notServed: readonly { scenarioId: string; reason: string }[]
  /** Per probe (page, login and acknowledgement). Default: 15 s, the lab-driven clients' budget (runner.ts). */
  probeTimeoutMs?: number
  /** Probes in flight at once. Default: 6 (a browser's per-proxy connection budget is larger). */
  concurrency?: number
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The self-test page: its script POSTs the lab's login to every scenario
 * host (no-cors: the page learns nothing from the response, and needs
 * nothing), each probe bracketed by /selftest/probe start and result calls
 * to the bank so the lab can slice what that scenario's servers saw. The
 * verdict shown is the lab's, from the wire (probe-observation.ts).
 */
export function selfTestPage(params: SelfTestPageParams): string {
  const data = {
    token: params.token,
    runId: params.runId,
    probes: params.probed,
    timeoutMs: params.probeTimeoutMs ?? 15_000,
    concurrency: params.concurrency ?? 6,
    login: VICTIM_CREDENTIALS,
  }
  // </script> cannot appear inside JSON.stringify output once '<' is escaped.
  const json = JSON.stringify(data).replace(/</g, '\\u003c')
  const rows = params.probed
    .map(
      (row) => `<tr id="row-${escapeHtml(row.scenarioId)}" data-state="pending">
  <td><code>${escapeHtml(row.scenarioId)}</code><div class="title">${escapeHtml(row.title)}</div></td>
  <td>${row.kind}</td>
  <td>${row.expected.verdict === 'accept' ? 'accept' : `refuse (${escapeHtml(row.expected.step ?? '')})`}</td>
  <td class="verdict">…</td>
  <td class="seen"></td>
  <td class="why"><details><summary>why</summary>${escapeHtml(row.explanation)}</details></td>
</tr>`,
    )
    .join('\n')
  const labClient = params.needsLabClient
    .map((row) => `<li><code>${escapeHtml(row.scenarioId)}</code> — ${escapeHtml(row.reason)}</li>`)
    .join('\n')
  const notServed = params.notServed.map((row) => `<li><code>${escapeHtml(row.scenarioId)}</code> — ${escapeHtml(row.reason)}</li>`).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mitmlab self-test</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
.title { color: #555; font-size: 12px; }
tr[data-state="ok"] .verdict { color: #176b2c; font-weight: 600; }
tr[data-state="bad"] .verdict { color: #b00020; font-weight: 700; }
#summary { font-size: 16px; margin: 1rem 0; padding: .6rem; background: #f3f3f3; }
.seen { font-size: 12px; color: #444; }
</style></head>
<body>
<h1>mitmlab self-test</h1>
<p>This page makes your browser sign in to every attack scenario at <code>&lt;scenario&gt;.bank.lab</code>.
The lab watches each connection on the wire and decides: <b>accepted</b> (your browser sent the login over it and accepted the answer) or
<b>refused</b> (it aborted the handshake, hung up, or refused an answer). Visit token <code>${escapeHtml(params.token)}</code>.</p>
<div id="summary" data-state="running">Probing <span id="done">0</span> / ${params.probed.length} scenarios…</div>
<table><thead><tr><th>scenario</th><th>kind</th><th>a correct browser</th><th>yours</th><th>what the lab saw</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Needs the lab's own client (${params.needsLabClient.length})</h2>
<ul>${labClient}</ul>
<h2>Not served in the open lab (${params.notServed.length})</h2>
<ul>${notServed}</ul>
<script type="application/json" id="selftest-data">${json}</script>
<script>
(() => {
  const data = JSON.parse(document.getElementById('selftest-data').textContent)
  const api = (path) => fetch('/selftest/' + path, { method: 'POST', credentials: 'omit' }).then((r) => r.json())
  let done = 0
  const probe = async (row) => {
    const id = encodeURIComponent(row.scenarioId)
    await api('probe/' + data.token + '/' + id + '/start')
    // Page, login, acknowledgement: each only after the browser accepted the previous answer (probe-observation.ts).
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), data.timeoutMs)
    const base = 'https://' + row.host + '/login?probe=' + data.token + '&step='
    const send = (step, init) => fetch(base + step, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: abort.signal, ...init }).then(() => true, () => false)
    if (await send('page', {}))
      if (await send('login', { method: 'POST', body: new URLSearchParams(data.login) }))
        await send('ack', {})
    clearTimeout(timer)
    const report = await api('probe/' + data.token + '/' + id + '/result')
    const tr = document.getElementById('row-' + row.scenarioId)
    tr.dataset.state = report.asExpected ? 'ok' : 'bad'
    tr.querySelector('.verdict').textContent = report.verdict + (report.asExpected ? '' : ' ✗')
    tr.querySelector('.seen').textContent = report.observation.detail
    document.getElementById('done').textContent = String(++done)
  }
  const queue = [...data.probes]
  const lane = async () => { while (queue.length > 0) await probe(queue.shift()) }
  const started = performance.now()
  Promise.all(Array.from({ length: data.concurrency }, lane)).then(async () => {
    const report = await api('visit/' + data.token + '/finish')
    const s = report.summary
    const summary = document.getElementById('summary')
    summary.dataset.state = 'finished'
    summary.dataset.seconds = ((performance.now() - started) / 1000).toFixed(1)
    summary.textContent = s === null ? 'Finished.' :
      'Grade ' + (s.grade.grade ?? '–') + ' — ' + s.falseAccepts + ' attack(s) accepted that a check catches' +
      (s.fallsFor.length > 0 ? ' (' + s.fallsFor.join(', ') + ')' : '') + ', ' + s.falseRejects + ' control(s) refused, ' +
      s.results + ' scenarios in ' + summary.dataset.seconds + ' s. Report card: run ' + report.runId + ' (mitmlab report ' + report.runId + ').'
  })
})()
</script>
</body></html>
`
}
