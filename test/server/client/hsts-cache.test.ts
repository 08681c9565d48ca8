import { describe, expect, it } from 'vitest'
import { HstsCache } from '../../../server/client/hsts-cache.js'

const now = new Date('2026-11-24T10:00:00Z')
const later = (seconds: number): Date => new Date(now.getTime() + seconds * 1000)

describe('the client HSTS cache (RFC 6797)', () => {
  it('knows preloaded hosts and their subdomains', () => {
    const cache = new HstsCache(['bank.lab'])
    expect(cache.policyFor('bank.lab', now)).toEqual({ source: 'preloaded', matched: 'bank.lab' })
    expect(cache.policyFor('www.bank.lab', now)).toEqual({ source: 'preloaded', matched: 'bank.lab' })
    expect(cache.policyFor('evilbank.lab', now)).toBeNull()
  })

  it('notes a header, honours max-age and includeSubDomains (§6.1, §8.1)', () => {
    const cache = new HstsCache()
    cache.note('bank.lab', 'max-age=60', now)
    expect(cache.policyFor('bank.lab', later(59))?.source).toBe('learned')
    expect(cache.policyFor('bank.lab', later(61))).toBeNull()
    expect(cache.policyFor('www.bank.lab', now)).toBeNull()
    cache.note('bank.lab', 'max-age=31536000; includeSubDomains', now)
    expect(cache.policyFor('www.bank.lab', now)?.matched).toBe('bank.lab')
  })

  it('forgets a host on max-age=0 and ignores a header without a valid max-age', () => {
    const cache = new HstsCache()
    cache.note('bank.lab', 'max-age=600', now)
    cache.note('bank.lab', 'max-age=0', now)
    expect(cache.policyFor('bank.lab', now)).toBeNull()
    cache.note('bank.lab', 'includeSubDomains', now)
    cache.note('bank.lab', 'max-age=soon', now)
    expect(cache.hosts()).toEqual([])
  })

  it('does not let a header downgrade a preloaded entry', () => {
    const cache = new HstsCache(['bank.lab'])
    cache.note('bank.lab', 'max-age=0', now)
    expect(cache.policyFor('bank.lab', now)?.source).toBe('preloaded')
  })
})
