import type { ResultDto } from '@contract'

/**
 * The key exchange of each TLS leg of a result, for the handshake timeline. The same reading as
 * server/report/key-exchange-summary.ts (the page cannot import server code): the client's own
 * leg first, then what the proxy measured on its upstream leg. ML-KEM names mark post-quantum
 * groups; combined with an ECDH curve they are the hybrids (draft-ietf-tls-ecdhe-mlkem).
 */
export interface KeyExchangeLeg {
  leg: string
  group: string
  kind: 'hybrid' | 'post-quantum' | 'classical'
}

export function keyExchangeKind(group: string): KeyExchangeLeg['kind'] {
  if (!/MLKEM|Kyber/i.test(group)) return 'classical'
  return /^(MLKEM)\d+$/i.test(group) ? 'post-quantum' : 'hybrid'
}

export function keyExchangeLegs(result: ResultDto | null): KeyExchangeLeg[] {
  if (result === null) return []
  const legs: KeyExchangeLeg[] = []
  const viaProxy = result.connections.some((c) => c.mode === 'terminate')
  const clientGroup = result.client?.tls?.group ?? result.client?.handshake?.keyShareGroup ?? null
  if (clientGroup !== null) legs.push({ leg: viaProxy ? 'victim ↔ proxy' : 'victim ↔ bank', group: clientGroup, kind: keyExchangeKind(clientGroup) })
  for (const connection of result.connections) {
    const proxySide = connection.negotiated?.group
    if (clientGroup === null && typeof proxySide === 'string') legs.push({ leg: 'client ↔ proxy', group: proxySide, kind: keyExchangeKind(proxySide) })
    const upstream = connection.upstream?.group
    if (typeof upstream === 'string') legs.push({ leg: 'proxy ↔ bank', group: upstream, kind: keyExchangeKind(upstream) })
  }
  return legs.filter((entry, index) => legs.findIndex((o) => o.leg === entry.leg && o.group === entry.group) === index)
}
