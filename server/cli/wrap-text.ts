/**
 * Wraps text at word boundaries to `width` columns, never inside a word (a
 * word longer than the line — a URL, a long id — gets a line of its own, in
 * full). Existing line breaks are kept. `indent` prefixes every line after the
 * first of each paragraph (a hanging indent), `firstIndent` the first.
 *
 * @example wrapText('caught by HOST — the certificate names evil.lab', 20, { indent: '  ' })
 */
export function wrapText(text: string, width: number, options: { indent?: string; firstIndent?: string } = {}): string {
  const indent = options.indent ?? ''
  const firstIndent = options.firstIndent ?? ''
  return text
    .split('\n')
    .map((paragraph) => {
      const words = paragraph.split(/ +/).filter((word) => word.length > 0)
      const lines: string[] = []
      let line = firstIndent
      let isLineEmpty = true
      for (const word of words) {
        const candidate = isLineEmpty ? `${line}${word}` : `${line} ${word}`
        if (isLineEmpty || candidate.length <= width) {
          line = candidate
          isLineEmpty = false
        } else {
          lines.push(line)
          line = `${indent}${word}`
        }
      }
      lines.push(isLineEmpty ? line.trimEnd() : line)
      return lines.join('\n')
    })
    .join('\n')
}
