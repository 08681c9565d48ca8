import { describe, expect, it } from 'vitest'
import { findClaimedEntry, loadCatalog } from '../../../server/fingerprint/catalog.js'
import { computeJa3 } from '../../../server/fingerprint/ja3.js'
import { computeJa4 } from '../../../server/fingerprint/ja4.js'

describe('catalog', () => {
  const catalog = loadCatalog()

  it('holds a recorded entry for the lab verifier, every node client, curl and openssl', () => {
    expect(catalog.entries.map((e) => e.clientId)).toEqual(['lab-verifier', 'node-tls', 'node-https', 'node-fetch', 'curl', 'openssl-s-client'])
  })

  it('stores fingerprints that recompute from the stored hello', () => {
    for (const entry of catalog.entries) {
      const hello = { ...entry.hello, random: '' }
      expect(computeJa3(hello).hash, entry.clientId).toBe(entry.ja3)
      expect(computeJa4(hello).ja4, entry.clientId).toBe(entry.ja4)
    }
  })

  it('resolves a claim by client id first, then by the User-Agent product token', () => {
    expect(findClaimedEntry({ clientId: 'openssl-s-client', userAgent: 'curl/7.88.1' })?.clientId).toBe('openssl-s-client')
    expect(findClaimedEntry({ userAgent: 'curl/8.5.0' })?.clientId).toBe('curl')
    expect(findClaimedEntry({ userAgent: 'node' })?.clientId).toBe('node-fetch')
    expect(findClaimedEntry({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' })).toBeUndefined()
    expect(findClaimedEntry({})).toBeUndefined()
  })
})
