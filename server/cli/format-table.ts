/** How a table fits a terminal: columns that may be cut (with …) when the rows are wider than maxWidth. */
export interface TableFit {
  /** Total width to fit, in characters. Absent: every cell in full. */
  maxWidth?: number
  /** Column indexes that may be shortened, in the order they give up width. */
  shrink?: readonly number[]
  /**
   * Shrunk columns whose long cells are not cut but written in full on a line
   * of their own, the row's other cells on the next line (ids stay whole).
   */
  wrap?: readonly number[]
}

/** Cells longer than their column are cut and end in an ellipsis, so a cut is never silent. */
const ELLIPSIS = '…'
const GAP = 2
/** A shrunk column keeps at least this many characters. */
const MIN_COLUMN = 8

/**
 * A plain-text table: columns padded to their widest cell, a rule under the
 * header. With `fit`, columns named in `shrink` are narrowed (widest first)
 * until the table fits `maxWidth`; their cells are cut deliberately with "…".
 */
export function formatTable(header: string[], rows: string[][], fit: TableFit = {}): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  if (fit.maxWidth !== undefined) {
    const total = (): number => widths.reduce((sum, width) => sum + width, 0) + GAP * (widths.length - 1)
    for (const column of fit.shrink ?? []) {
      const excess = total() - fit.maxWidth
      if (excess <= 0) break
      const current = widths[column] ?? 0
      widths[column] = Math.max(MIN_COLUMN, (header[column] ?? '').length, current - excess)
    }
  }
  const cut = (cell: string, width: number): string => (cell.length <= width ? cell : `${cell.slice(0, Math.max(0, width - 1))}${ELLIPSIS}`)
  const line = (cells: string[]): string =>
    cells.map((cell, column) => cut(cell, widths[column] ?? 0).padEnd(widths[column] ?? 0)).join(' '.repeat(GAP)).trimEnd()
  const wrapped = (cells: string[]): string => {
    const long = (fit.wrap ?? []).filter((column) => (cells[column] ?? '').length > (widths[column] ?? 0))
    if (long.length === 0) return line(cells)
    return [...long.map((column) => cells[column] ?? ''), line(cells.map((cell, column) => (long.includes(column) ? '' : cell)))].join('\n')
  }
  return [line(header), widths.map((width) => '-'.repeat(width)).join(' '.repeat(GAP)), ...rows.map(wrapped)].join('\n')
}
