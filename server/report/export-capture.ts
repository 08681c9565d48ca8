import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ScenarioResult } from '../lab/scenario-result.js'
import { writePcap } from './pcap-writer.js'

export interface ExportedCapture {
  keyLogFile: string
  pcapFiles: string[]
}

/**
 * Writes what an analyst opens in Wireshark: one SSLKEYLOGFILE for the run
 * (every client leg's secrets, and every other leg's the run recorded) and a
 * pcap per result rebuilt from the client's captured bytes.
 * Then: wireshark -o tls.keylog_file:DIR/sslkeylog.txt DIR/<scenario>--<client>.pcap
 */
export function exportCapture(results: readonly ScenarioResult[], dir: string): ExportedCapture {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const pcapFiles: string[] = []
  results.forEach((result, index) => {
    const pcap = pcapOfResult(result, index)
    if (pcap === null) return
    const file = join(dir, `${result.scenarioId}--${result.clientId}.pcap`)
    writeFileSync(file, pcap)
    pcapFiles.push(file)
  })
  const keyLogFile = join(dir, 'sslkeylog.txt')
  writeKeyLog(results, keyLogFile)
  return { keyLogFile, pcapFiles }
}

/**
 * One SSLKEYLOGFILE for a run: every client leg's secrets and every proxy→genuine leg's,
 * each block headed by a comment naming it. Session secrets: written 0600, like the CA keys.
 */
/**
 * One result's pcap, rebuilt from the client's captured bytes; null when the
 * client kept no capture (a real client driver, or a result that never connected).
 * `index` (the result's place in its run) picks the client port, so that a
 * run's pcaps merge without colliding streams.
 */
export function pcapOfResult(result: ScenarioResult, index: number): Buffer | null {
  const wire = result.client?.wire
  if (wire === undefined || wire.segments.length === 0) return null
  return writePcap({
    segments: wire.segments.map((s) => ({ from: s.from, data: Buffer.from(s.base64, 'base64') })),
    clientPort: 50_000 + index,
    start: new Date(result.startedAt),
  })
}

export function writeKeyLog(results: readonly ScenarioResult[], file: string): void {
  writeFileSync(file, keyLogText(results), { mode: 0o600 })
}

/** The key log's text; empty lines only when no leg kept secrets. */
export function keyLogText(results: readonly ScenarioResult[]): string {
  const lines: string[] = []
  const linesOf = (text: string): string[] => text.split('\n').filter((line) => line.length > 0)
  for (const result of results) {
    const clientKeys = result.client?.wire.keyLog
    if (clientKeys) lines.push(`# ${result.scenarioId} (${result.clientId}) client leg`, ...linesOf(clientKeys))
    for (const connection of result.connections) {
      if (connection.upstreamKeyLog) {
        lines.push(`# ${result.scenarioId} connection ${connection.id} proxy→genuine leg`, ...linesOf(connection.upstreamKeyLog))
      }
    }
  }
  return `${lines.join('\n')}\n`
}
