/**
 * A scenario reference as a link where it names something with a stable
 * address: an RFC (and its section), a badssl.com host, a CVE, a URL. Anything
 * else (a paper, a tool's docs) stays text: a guessed link is worse than none.
 */
export function referenceHref(reference: string): string | null {
  const trimmed = reference.trim()
  if (/^https?:\/\/\S+$/.test(trimmed)) return trimmed
  const rfc = /^RFC\s*(\d{3,5})(?:\s*§\s*([\d.]+|[A-Z](?:\.\d+)*))?/i.exec(trimmed)
  if (rfc !== null) {
    const section = rfc[2]
    const anchor = section === undefined ? '' : /^[A-Z]/i.test(section) ? `#appendix-${section}` : `#section-${section.replace(/\.$/, '')}`
    return `https://www.rfc-editor.org/rfc/rfc${rfc[1]}${anchor}`
  }
  const badssl = /^badssl\.com\s+([a-z0-9.-]+)$/i.exec(trimmed)
  if (badssl !== null) return `https://${badssl[1]}.badssl.com/`
  const cve = /\b(CVE-\d{4}-\d{4,})\b/.exec(trimmed)
  if (cve !== null) return `https://www.cve.org/CVERecord?id=${cve[1]}`
  const host = /^(hstspreload\.org)\b/.exec(trimmed)
  if (host !== null) return `https://${host[1]}/`
  return null
}
