import express, { type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import type { LabPki } from '../../ca/index.js'
import type { ScenarioResult } from '../lab/scenario-result.js'
import { keyLogText, pcapOfResult } from '../report/export-capture.js'
import { REPORT_FORMATS } from '../report/report-formats.js'
import { loadRunReport } from '../report/run-report.js'
import type { LabStore } from '../store/lab-store.js'
import { DOWNLOAD_PATHS, type DownloadDto, type DownloadsDto } from './download-dto.js'
import { describeZodError } from './input-schemas.js'

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash or underscore, at most 128')
const resultParams = z.strictObject({ runId: id, scenarioId: id, clientId: id })
const downloadsQuery = z.strictObject({ scenario: id.optional(), client: id.optional() })

const REPORTS = {
  html: { type: 'text/html; charset=utf-8', extension: 'html', label: 'HTML report' },
  junit: { type: 'application/xml; charset=utf-8', extension: 'xml', label: 'JUnit XML' },
  md: { type: 'text/markdown; charset=utf-8', extension: 'md', label: 'Markdown report' },
} as const

/**
 * The files behind the dashboard's download buttons: the same reports
 * `mitmlab report` writes, the same pcap and key log `mitmlab capture`
 * exports, and the chain the attacker's proxy served, as PEM. Mounted behind
 * the API's access checks (token, Origin, Host, rate limit: http-app.ts); each
 * answer names its file in Content-Disposition (RFC 6266).
 */
export function createDownloadRouter(params: { store: LabStore; pki: LabPki | null }): Router {
  const { store } = params
  const router = express.Router()

  const runOf = (runId: string, res: Response): string | null => {
    if (store.getRun(runId) !== null) return runId
    res.status(404).json({ code: 'NOT_FOUND', message: `No run "${runId}"` })
    return null
  }
  const resultOf = (input: { runId: string; scenarioId: string; clientId: string }, res: Response): { result: ScenarioResult; index: number } | null => {
    if (runOf(input.runId, res) === null) return null
    const results = store.getResults(input.runId)
    const index = results.findIndex((r) => r.scenarioId === input.scenarioId && r.clientId === input.clientId)
    const result = results[index]
    if (result !== undefined) return { result, index }
    res.status(404).json({ code: 'NOT_FOUND', message: `Run ${input.runId} has no result for ${input.scenarioId} × ${input.clientId}` })
    return null
  }
  const invalid = (res: Response, error: z.ZodError): void => {
    res.status(400).json({ code: 'INVALID_INPUT', message: describeZodError(error) })
  }

  router.get('/api/runs/:runId/downloads', (req: Request, res: Response) => {
    const runId = id.safeParse(req.params['runId'])
    if (!runId.success) return invalid(res, runId.error)
    const query = downloadsQuery.safeParse(req.query)
    if (!query.success) return invalid(res, query.error)
    if (runOf(runId.data, res) === null) return
    const results = store.getResults(runId.data)
    res.json(downloadsOf(runId.data, results, query.data.scenario, query.data.client))
  })

  router.get('/api/runs/:runId/report.:extension', (req: Request, res: Response) => {
    const runId = id.safeParse(req.params['runId'])
    if (!runId.success) return invalid(res, runId.error)
    const format = (Object.keys(REPORTS) as (keyof typeof REPORTS)[]).find((key) => REPORTS[key].extension === req.params['extension'])
    if (format === undefined) {
      res.status(404).json({ code: 'NOT_FOUND', message: `No report .${req.params['extension'] ?? ''}; there are .html, .xml (JUnit) and .md` })
      return
    }
    if (runOf(runId.data, res) === null) return
    const report = loadRunReport(store, runId.data, params.pki)
    res.attachment(`mitmlab-${runId.data}.${REPORTS[format].extension}`)
    res.type(REPORTS[format].type).send(REPORT_FORMATS[format](report))
  })

  router.get('/api/runs/:runId/sslkeylog.txt', (req: Request, res: Response) => {
    const runId = id.safeParse(req.params['runId'])
    if (!runId.success) return invalid(res, runId.error)
    if (runOf(runId.data, res) === null) return
    const text = keyLogText(store.getResults(runId.data))
    if (text.trim() === '') {
      res.status(404).json({ code: 'NOT_FOUND', message: `Run ${runId.data} kept no TLS secrets: no key log` })
      return
    }
    res.attachment(`mitmlab-${runId.data}-sslkeylog.txt`)
    res.type('text/plain; charset=utf-8').send(text)
  })

  router.get('/api/runs/:runId/results/:scenarioId/:clientId/capture.pcap', (req: Request, res: Response) => {
    const input = resultParams.safeParse(req.params)
    if (!input.success) return invalid(res, input.error)
    const found = resultOf(input.data, res)
    if (found === null) return
    const pcap = pcapOfResult(found.result, found.index)
    if (pcap === null) {
      res.status(404).json({ code: 'NOT_FOUND', message: noCapture(found.result) })
      return
    }
    res.attachment(`${input.data.scenarioId}--${input.data.clientId}.pcap`)
    res.type('application/vnd.tcpdump.pcap').send(pcap)
  })

  router.get('/api/runs/:runId/results/:scenarioId/:clientId/forged-chain.pem', (req: Request, res: Response) => {
    const input = resultParams.safeParse(req.params)
    if (!input.success) return invalid(res, input.error)
    const found = resultOf(input.data, res)
    if (found === null) return
    const pem = forgedChainPem(found.result)
    if (pem === null) {
      res.status(404).json({ code: 'NOT_FOUND', message: noForgedChain(found.result) })
      return
    }
    res.attachment(`${input.data.scenarioId}--forged-chain.pem`)
    res.type('application/x-pem-file').send(pem)
  })

  return router
}

/** What the page offers for a run, and for the selected result when one is named. */
export function downloadsOf(runId: string, results: readonly ScenarioResult[], scenarioId?: string, clientId?: string): DownloadsDto {
  const offered = (entry: Omit<DownloadDto, 'unavailable'>, unavailable: string | null): DownloadDto =>
    unavailable === null ? { ...entry, unavailable: null } : { ...entry, path: null, unavailable }
  const hasKeyLog = keyLogText(results).trim() !== ''
  const run: DownloadDto[] = [
    ...(['html', 'junit', 'md'] as const).map((format) =>
      offered({ id: `report-${format}`, label: REPORTS[format].label, path: DOWNLOAD_PATHS.report(runId, format), filename: `mitmlab-${runId}.${REPORTS[format].extension}` }, null),
    ),
    offered(
      { id: 'keylog', label: 'Key log (SSLKEYLOGFILE)', path: DOWNLOAD_PATHS.keyLog(runId), filename: `mitmlab-${runId}-sslkeylog.txt` },
      hasKeyLog ? null : 'This run kept no TLS secrets: no key log.',
    ),
  ]
  const result = results.find((r) => r.scenarioId === scenarioId && (clientId === undefined || r.clientId === clientId))
  if (result === undefined) return { runId, run, result: [] }
  const index = results.indexOf(result)
  return {
    runId,
    run,
    result: [
      offered(
        { id: 'pcap', label: 'Capture (pcap)', path: DOWNLOAD_PATHS.pcap(runId, result.scenarioId, result.clientId), filename: `${result.scenarioId}--${result.clientId}.pcap` },
        pcapOfResult(result, index) === null ? noCapture(result) : null,
      ),
      offered(
        { id: 'forged-chain', label: 'Forged chain (PEM)', path: DOWNLOAD_PATHS.forgedChain(runId, result.scenarioId, result.clientId), filename: `${result.scenarioId}--forged-chain.pem` },
        forgedChainPem(result) === null ? noForgedChain(result) : null,
      ),
    ],
  }
}

function noCapture(result: ScenarioResult): string {
  return result.clientId === 'lab-verifier'
    ? `The lab's client captured no bytes in ${result.scenarioId}: there is no capture to download.`
    : `${result.clientId} is a real client: the lab captures only its own client's bytes, so this result has no capture.`
}

function noForgedChain(result: ScenarioResult): string {
  return result.connections.length === 0
    ? `No proxy on the path in ${result.scenarioId}: nothing was forged.`
    : `The proxy in ${result.scenarioId} served no certificate of its own (it relayed the bank's bytes, or spoke plain HTTP).`
}

/** The chain the attacker's proxy served (RFC 7468 PEM, leaf first), from the first connection where it served one. */
export function forgedChainPem(result: ScenarioResult): string | null {
  const served = result.connections.find((connection) => connection.mode === 'terminate' && connection.servedChain.some((cert) => cert.derBase64 !== ''))
  if (served === undefined) return null
  return served.servedChain
    .filter((cert) => cert.derBase64 !== '')
    .map((cert) => `# subject: ${cert.subject}\n# issuer: ${cert.issuer}\n-----BEGIN CERTIFICATE-----\n${(cert.derBase64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`)
    .join('')
}
