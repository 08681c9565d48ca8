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
  const keyLines: string[] = []
  const pcapFiles: string[] = []
  results.forEach((result, index) => {
    const wire = result.client?.wire
    if (wire === undefined) return
    keyLines.push(`# ${result.scenarioId} (${result.clientId}) client leg`, ...wire.keyLog.split('\n').filter((l) => l.length > 0))
    for (const connection of result.connections) {
      const upstreamKeys = (connection as { upstreamKeyLog?: string }).upstreamKeyLog
      if (upstreamKeys) keyLines.push(`# ${result.scenarioId} connection ${connection.id} proxy→genuine leg`, ...upstreamKeys.split('\n').filter((l) => l.length > 0))
    }
    if (wire.segments.length === 0) return
    const file = join(dir, `${result.scenarioId}--${result.clientId}.pcap`)
    const pcap = writePcap({
      segments: wire.segments.map((s) => ({ from: s.from, data: Buffer.from(s.base64, 'base64') })),
      clientPort: 50_000 + index,
      start: new Date(result.startedAt),
    })
    writeFileSync(file, pcap)
    pcapFiles.push(file)
  })
  // Session secrets: readable by the owner only, like the CA keys.
  const keyLogFile = join(dir, 'sslkeylog.txt')
  writeFileSync(keyLogFile, `${keyLines.join('\n')}\n`, { mode: 0o600 })
  return { keyLogFile, pcapFiles }
}
