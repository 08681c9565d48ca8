import { formatHtmlReport } from './format-html.js'
import { formatJsonReport } from './format-json.js'
import { formatJunitReport } from './format-junit.js'
import { formatMarkdownReport } from './format-markdown.js'
import type { RunReport } from './run-report.js'

/** Every report format by its CLI name. */
export const REPORT_FORMATS = {
  json: formatJsonReport,
  junit: formatJunitReport,
  html: formatHtmlReport,
  md: formatMarkdownReport,
} as const satisfies Record<string, (report: RunReport) => string>

export type ReportFormat = keyof typeof REPORT_FORMATS
