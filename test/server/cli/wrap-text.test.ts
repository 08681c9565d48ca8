import { describe, expect, it } from 'vitest'
import { wrapText } from '../../../server/cli/wrap-text.js'

describe('wrapText', () => {
  it('breaks between words only, with a hanging indent', () => {
    expect(wrapText('The certificate names evil.lab, not bank.lab: HOST catches it', 24, { indent: '  ' })).toBe(
      'The certificate names\n  evil.lab, not\n  bank.lab: HOST catches\n  it',
    )
  })

  it('keeps a word longer than the line whole, on a line of its own', () => {
    expect(wrapText('see https://datatracker.ietf.org/doc/html/rfc6797#section-8.3 now', 20)).toBe(
      'see\nhttps://datatracker.ietf.org/doc/html/rfc6797#section-8.3\nnow',
    )
  })

  it('keeps existing line breaks and never returns a line wider than the width when words fit', () => {
    const text = wrapText('sha256WithRSAEncryption keyShareGroups MAX_VERSION_LOWERED TLS 1.3\nsecond paragraph here', 26)
    expect(text.split('\n').every((line) => line.length <= 26)).toBe(true)
    expect(text).toContain('sha256WithRSAEncryption')
    expect(text).toContain('keyShareGroups')
    expect(text.split('\n').at(-1)).toBe('second paragraph here')
  })
})
