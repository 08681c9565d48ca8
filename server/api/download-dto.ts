/**
 * Downloads from the dashboard (issue 18 item 5): the run's reports, its
 * capture and key log, the forged chain. Types and paths only, so the page can
 * import them through `@contract`-style relative imports.
 */

/** One file the page offers, or says it cannot. */
export interface DownloadDto {
  id: 'report-html' | 'report-junit' | 'report-md' | 'keylog' | 'pcap' | 'forged-chain'
  label: string
  /** The API path to GET (with the token header); null when there is nothing to download. */
  path: string | null
  /** The name the file is saved under (also in Content-Disposition). */
  filename: string
  /** Why it is not offered, when path is null. */
  unavailable: string | null
}

export interface DownloadsDto {
  runId: string
  /** The run's reports and key log. */
  run: DownloadDto[]
  /** The selected result's capture and forged chain; empty without a selected result. */
  result: DownloadDto[]
}

const base = (runId: string): string => `/api/runs/${encodeURIComponent(runId)}`
const resultBase = (runId: string, scenarioId: string, clientId: string): string =>
  `${base(runId)}/results/${encodeURIComponent(scenarioId)}/${encodeURIComponent(clientId)}`

export const DOWNLOAD_PATHS = {
  list: (runId: string): string => `${base(runId)}/downloads`,
  report: (runId: string, format: 'html' | 'junit' | 'md'): string => `${base(runId)}/report.${format === 'junit' ? 'xml' : format}`,
  keyLog: (runId: string): string => `${base(runId)}/sslkeylog.txt`,
  pcap: (runId: string, scenarioId: string, clientId: string): string => `${resultBase(runId, scenarioId, clientId)}/capture.pcap`,
  forgedChain: (runId: string, scenarioId: string, clientId: string): string => `${resultBase(runId, scenarioId, clientId)}/forged-chain.pem`,
} as const
