import type { Scenario } from '../../scenarios/define-scenario.js'
import type { ClientReport } from '../client/client-report.js'
import type { ScenarioResult } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import type { RunRow } from '../store/lab-store.js'
import type { CertSummary } from '../verifier/types.js'
import { parseCertificate, summarizeCertificate } from '../x509/index.js'
import { toGenuineRequestDto } from './client-hello-dto.js'
import type { ClientReportDto, ConnectionDto, ResultDto, RunDto, ScenarioDto } from './contract.js'

/**
 * The only place that shapes JSON for the dashboard (mitmproxy's
 * `flow_to_json`): routes, the socket and the store never do.
 */
export function toRunDto(row: RunRow): RunDto {
  return { ...row }
}

export function toScenarioDto(scenario: Scenario): ScenarioDto {
  return {
    id: scenario.id,
    title: scenario.title,
    explanation: scenario.explanation,
    references: [...scenario.references],
    tags: [...scenario.tags],
    kind: scenario.kind,
    expect: scenario.expect,
  }
}

/** Drops the served DER: the page shows the parsed chain from the client report instead. */
export function toConnectionDto(record: ConnectionRecord): ConnectionDto {
  return { ...record, servedChain: record.servedChain.map(({ subject, issuer }) => ({ subject, issuer })) }
}

/** Drops the raw bytes (the chain DER and the client leg's wire capture with its key log): the page shows parsed values. */
export function toClientReportDto(client: Omit<ClientReport, 'steps'>): ClientReportDto {
  const { presentedChainDer, wire, ...rest } = client
  return rest
}

export function toResultDto(result: ScenarioResult): ResultDto {
  return {
    ...result,
    connections: result.connections.map(toConnectionDto),
    client: result.client === null ? null : toClientReportDto(result.client),
    genuine: { requests: result.genuine.requests.map((request) => toGenuineRequestDto(request)) },
  }
}

/** A certificate for display; null when the DER does not parse (never thrown: the chain view shows the gap). */
export function toCertDto(der: Uint8Array): CertSummary | null {
  const parsed = parseCertificate(der)
  return parsed.ok ? summarizeCertificate(parsed.value) : null
}
