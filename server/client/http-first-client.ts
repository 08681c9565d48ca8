import { STEP_IDS } from '../steps/step-ids.js'
import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import type { ClientReport, VisitLog } from './client-report.js'
import { CONNECTION_CODES } from './connection-codes.js'
import { HstsCache, type HstsSource } from './hsts-cache.js'
import { exchangeOnSocket, exchangeOverPlainHttp, type HttpRequestSpec, type HttpResponse } from './http-message.js'
import type { RunInstrumentedClientParams } from './instrumented-client.js'
import { connectAndVerify, decideVerdict } from './tls-session.js'

const MAX_HOPS = 8

interface VisitOutcome {
  log: VisitLog
  /** The last TLS connection's decided report. */
  lastTls: ClientReport | null
  /** A TLS connection that the client rejected: the visit ended there. */
  tlsRejected: boolean
  /** HSTS refused a plain-HTTP URL for a known host. */
  refused: { url: string; source: HstsSource } | null
  login: NonNullable<ClientReport['http']> | null
}

/**
 * The victim who types `bank.lab`: it starts at http://, follows redirects
 * and links like a browser, applies its HSTS policy before every request
 * (RFC 6797 §8.3), verifies every TLS connection step by step, and posts the
 * login to wherever the sign-in form says. Across `visits`, what it learned
 * from Strict-Transport-Security headers over verified HTTPS is kept.
 *
 * When HSTS turns an http:// URL into https://, the client refuses the
 * plain-HTTP route the attack needs: the HSTS step fails with
 * HSTS_PLAINTEXT_REFUSED after verifying the upgraded connection, and the
 * login is not sent on that visit.
 */
export async function runHttpFirstClient(params: RunInstrumentedClientParams, startUrl: string): Promise<ClientReport> {
  const now = params.now ?? new Date()
  const hsts = new HstsCache(params.policy.hsts?.preloaded ?? [])
  const logs: VisitLog[] = []
  let outcome: VisitOutcome | null = null
  for (let visit = 0; visit < (params.policy.visits ?? 1); visit++) {
    outcome = await playVisit(params, startUrl, hsts, now)
    logs.push(outcome.log)
    if (outcome.tlsRejected) break
  }
  if (outcome === null) throw new Error('runHttpFirstClient: no visit was played')
  const report = compose(params, outcome, logs, hsts)
  for (const step of report.steps) params.onStep?.(step)
  return report
}

async function playVisit(params: RunInstrumentedClientParams, startUrl: string, hsts: HstsCache, now: Date): Promise<VisitOutcome> {
  const timeoutMs = params.timeoutMs ?? 10_000
  // Steps are reported once, for the whole visit, not per connection.
  const quiet: RunInstrumentedClientParams = { ...params }
  delete quiet.onStep
  const outcome: VisitOutcome = { log: { requests: [], loginSentTo: null }, lastTls: null, tlsRejected: false, refused: null, login: null }
  let next: { url: URL; method: 'GET' | 'POST' } = { url: new URL(startUrl), method: 'GET' }
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const { url, method } = next
    let upgradedBy: HstsSource | null = null
    const policy = url.protocol === 'http:' ? hsts.policyFor(url.hostname, now) : null
    if (policy !== null) {
      outcome.refused ??= { url: url.href, source: policy.source }
      upgradedBy = policy.source
      url.protocol = 'https:'
    }
    const isLogin = method === 'POST'
    const spec: HttpRequestSpec = {
      method,
      path: `${url.pathname}${url.search}`,
      host: url.host,
      headers: {
        'User-Agent': `mitmlab-client/1 (${params.clientId ?? 'lab-verifier'}; node ${process.versions.node})`,
        'X-Mitmlab-Client': params.clientId ?? 'lab-verifier',
        ...(isLogin ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(isLogin ? { body: new URLSearchParams(params.credentials).toString() } : {}),
    }
    const entry: VisitLog['requests'][number] = { method, url: url.href, status: null, upgradedBy }
    outcome.log.requests.push(entry)
    let response: HttpResponse
    try {
      if (url.protocol === 'https:') {
        const session = await connectAndVerify({ ...quiet, expectedHost: url.hostname })
        outcome.lastTls = session.report
        if (session.report.verdict === 'reject' || session.socket === null) {
          session.socket?.destroy()
          outcome.tlsRejected = true
          return outcome
        }
        if (outcome.refused !== null) {
          // The plain-HTTP route was refused; the https endpoint is verified and the visit ends here.
          session.socket.destroy()
          return outcome
        }
        response = await exchangeOnSocket(session.socket, spec, timeoutMs)
        session.socket.destroy()
        // RFC 6797 §8.1: only a header received over a secure, error-free connection counts.
        hsts.note(url.hostname, response.headers['strict-transport-security'], now)
      } else {
        response = await exchangeOverPlainHttp(params.connectTo, spec, timeoutMs)
      }
    } catch (error) {
      if (isLogin) outcome.login = { sentCredentials: true, status: null, headers: {}, error: (error as Error).message }
      return outcome
    }
    entry.status = response.status
    if (isLogin) {
      outcome.log.loginSentTo = url.href
      outcome.login = { sentCredentials: true, status: response.status, headers: response.headers, error: null }
      return outcome
    }
    const location = response.headers['location']
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      next = { url: new URL(location, url), method: 'GET' }
      continue
    }
    const action = /<form[^>]*\baction="([^"]+)"/i.exec(response.body)?.[1]
    const signIn = /<a[^>]*\bhref="([^"]*\/login[^"]*)"/i.exec(response.body)?.[1]
    if (response.status === 200 && action !== undefined) next = { url: new URL(action, url), method: 'POST' }
    else if (response.status === 200 && signIn !== undefined) next = { url: new URL(signIn, url), method: 'GET' }
    else return outcome
  }
  return outcome
}

function compose(params: RunInstrumentedClientParams, outcome: VisitOutcome, logs: VisitLog[], hsts: HstsCache): ClientReport {
  const base = outcome.lastTls ?? plainHttpReport(params)
  const hstsStep = hstsStepOf(outcome, logs, hsts, params.expectedHost)
  const steps = base.steps.map((step) => (step.step === 'HSTS' ? hstsStep : step))
  const decided = decideVerdict({ ...base, navigation: { visits: logs, hstsHosts: hsts.hosts() } }, steps, base.certificate)
  decided.http = outcome.login
  if (outcome.login !== null && outcome.login.error === null && outcome.log.loginSentTo?.startsWith('https:') === true) {
    decided.steps = decided.steps.map((step) => (step.step === 'REC' ? passStep('REC', 'Application records exchanged with intact MACs/tags') : step))
  }
  return decided
}

function hstsStepOf(outcome: VisitOutcome, logs: VisitLog[], hsts: HstsCache, host: string): StepResult {
  if (outcome.refused !== null) {
    return failStep(
      'HSTS',
      'HSTS_PLAINTEXT_REFUSED',
      `${host} is a known HSTS host (${outcome.refused.source}): the client refused ${outcome.refused.url} and went to https:// before sending anything (RFC 6797 §8.3)`,
      { refusedUrl: outcome.refused.url, source: outcome.refused.source, visits: logs.length },
    )
  }
  const sentTo = outcome.log.loginSentTo
  if (sentTo !== null && sentTo.startsWith('http:')) {
    return skipStep('HSTS', 'NO_POLICY', `${host} has no HSTS policy in this client (not preloaded, never noted over verified HTTPS): the login went to ${sentTo} in the clear`)
  }
  return passStep('HSTS', `Reached ${host} over https${hsts.policyFor(host, new Date()) === null ? '' : '; HSTS policy noted'}`, { hstsHosts: hsts.hosts() })
}

/** The report when the victim never opened a TLS connection: every TLS step is not applicable. */
function plainHttpReport(params: RunInstrumentedClientParams): ClientReport {
  const steps = STEP_IDS.map((id) =>
    id === 'FP'
      ? skipStep(id, CONNECTION_CODES.NOT_MEASURED, 'Decided by the genuine server, not the client')
      : skipStep(id, CONNECTION_CODES.NOT_APPLICABLE, 'No TLS connection: the victim stayed on plain HTTP, so no certificate was ever shown'),
  )
  return {
    clientId: params.clientId ?? 'lab-verifier',
    transport: { connected: true, error: null },
    tls: null,
    presentedChainDer: [],
    chainSource: 'none',
    wire: { segments: [], keyLog: '' },
    handshake: null,
    presentedChain: [],
    certificate: null,
    steps,
    verdict: 'accept',
    catchingStep: null,
    code: null,
    // Node never verified anything: a plain-HTTP fetch has no certificate to authorize.
    node: { authorized: false, error: 'NO_TLS' },
    http: null,
  }
}
