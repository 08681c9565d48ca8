import express, { type Express, type Request, type Response } from 'express'
import { createBankSite } from '../genuine/bank-site.js'
import type { GenuineRequest } from '../lab/scenario-result.js'
import type { ConnectionLedger } from './connection-ledger.js'
import { classifyName } from './lab-names.js'
import { selfTestPage } from './selftest-page.js'
import type { SelfTestVisits } from './selftest-visits.js'
import type { NotServed, OpenScenario } from './stage-open-lab.js'
import { visitorId } from './visitor-store.js'

const TOKEN = /^[0-9a-f]{24}$/
const SCENARIO_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export interface SelfTestSiteParams {
  visits: SelfTestVisits
  ledger: ConnectionLedger
  served: readonly OpenScenario[]
  notServed: readonly NotServed[]
  /** The genuine bank's request log (the bank site records into it). */
  requests: GenuineRequest[]
  /** 'https': the self-test; 'http': the plain-HTTP twin that points to it. */
  scheme: 'https' | 'http'
}

/**
 * The genuine bank at bank.lab in the open lab: the lab bank (bank-site.ts)
 * plus the self-test page and its probe endpoints. Those answer only requests
 * addressed to a lab name (Host: bank.lab): a page on any other origin that
 * got a browser to send them would be misdirected (421, RFC 9110 §15.5.20).
 */
export function createSelfTestSite(params: SelfTestSiteParams): Express {
  const app = express()
  app.disable('x-powered-by')
  app.use('/selftest', (request, response, next) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '')
    if (classifyName(host).kind !== 'bank') {
      response.status(421).type('text').send(`The self-test answers only for bank.lab, not ${host || '(no Host)'}\n`)
      return
    }
    response.setHeader('Cache-Control', 'no-store')
    next()
  })
  app.get('/selftest', (request, response) => {
    if (params.scheme === 'http') {
      response
        .type('html')
        .send(
          '<!doctype html><title>mitmlab self-test</title><p>The self-test runs over <a href="https://bank.lab/selftest">https://bank.lab/selftest</a>. ' +
            'The sslstrip family (a first plain-HTTP visit to the bare name) needs the lab\'s own client: a page cannot type a name.</p>',
        )
      return
    }
    const entry = params.ledger.byOnwardPort(request.socket.remotePort)
    const userAgent = request.headers['user-agent'] ?? null
    const visitor = { id: visitorId(entry?.clientAddress ?? request.socket.remoteAddress ?? '', entry?.ja4 ?? null), userAgent }
    const { token, runId } = params.visits.start(visitor)
    response.type('html').send(
      selfTestPage({
        token,
        runId,
        probed: params.visits.probed().map((open) => ({
          scenarioId: open.scenario.id,
          host: open.host,
          title: open.scenario.title,
          kind: open.scenario.kind,
          expected: { verdict: open.scenario.expect.verdict, step: open.scenario.expect.step },
          explanation: open.scenario.explanation,
        })),
        needsLabClient: params.served.flatMap((open) =>
          open.reach.kind === 'needs-lab-client' ? [{ scenarioId: open.scenario.id, title: open.scenario.title, reason: open.reach.reason }] : [],
        ),
        notServed: params.notServed.map((entry) => ({ scenarioId: entry.scenario.id, reason: entry.reason })),
      }),
    )
  })
  const probeParams = (request: Request, response: Response): { token: string; id: string } | null => {
    const token = String(request.params['token'] ?? '')
    const id = String(request.params['id'] ?? '')
    if (!TOKEN.test(token) || !SCENARIO_ID.test(id) || !params.visits.has(token)) {
      response.status(404).json({ error: 'no such visit or scenario' })
      return null
    }
    return { token, id }
  }
  app.post('/selftest/probe/:token/:id/start', (request, response) => {
    const probe = probeParams(request, response)
    if (probe === null) return
    if (!params.visits.probeStart(probe.token, probe.id)) return void response.status(404).json({ error: `${probe.id} is not probed` })
    response.json({ ok: true })
  })
  app.post('/selftest/probe/:token/:id/result', (request, response, next) => {
    const probe = probeParams(request, response)
    if (probe === null) return
    params.visits
      .probeResult(probe.token, probe.id)
      .then((report) => (report === null ? response.status(404).json({ error: 'probe not started' }) : response.json(report)))
      .catch(next)
  })
  app.post('/selftest/visit/:token/finish', (request, response, next) => {
    const token = String(request.params['token'] ?? '')
    if (!TOKEN.test(token)) return void response.status(404).json({ error: 'no such visit' })
    params.visits
      .finish(token)
      .then((report) => {
        if (report === null) return void response.status(404).json({ error: 'no such visit' })
        response.json({ runId: report.runId, clientId: report.clientId, summary: report.summary })
      })
      .catch(next)
  })
  app.use(createBankSite((request) => {
    params.requests.push(request)
    if (params.requests.length > 10_000) params.requests.shift()
  }))
  return app
}
