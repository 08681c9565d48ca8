import type { ScenarioResult } from '../lab/scenario-result.js'
import { keyExchangeKind } from '../tls/key-exchange-group.js'

/** One TLS leg's key exchange as the lab measured it. */
export interface KeyExchangeLeg {
  /** 'victim ↔ bank', 'victim ↔ proxy', 'proxy ↔ bank'. */
  leg: string
  group: string
  kind: ReturnType<typeof keyExchangeKind>
}

/**
 * The key-exchange group of every leg of a result: the client's own (what it negotiated, from
 * its socket or its decoded ServerHello), then per proxy connection the client-facing and the
 * upstream leg. A leg the lab did not measure is left out rather than guessed.
 */
export function keyExchangeLegs(result: Pick<ScenarioResult, 'client' | 'connections'>): KeyExchangeLeg[] {
  const legs: KeyExchangeLeg[] = []
  const viaProxy = result.connections.some((c) => c.mode === 'terminate')
  const clientGroup = result.client?.tls?.group ?? result.client?.handshake?.keyShareGroup ?? null
  if (clientGroup !== null) legs.push(leg(viaProxy ? 'victim ↔ proxy' : 'victim ↔ bank', clientGroup))
  for (const connection of result.connections) {
    // The client's own view already names the victim leg; the proxy's adds it for clients that report nothing (real clients).
    const proxySide = connection.negotiated?.group
    if (clientGroup === null && typeof proxySide === 'string') legs.push(leg('client ↔ proxy', proxySide))
    const upstream = connection.upstream?.group
    if (typeof upstream === 'string') legs.push(leg('proxy ↔ bank', upstream))
  }
  return legs.filter((entry, index) => legs.findIndex((other) => other.leg === entry.leg && other.group === entry.group) === index)
}

function leg(name: string, group: string): KeyExchangeLeg {
  return { leg: name, group, kind: keyExchangeKind(group) }
}

/** "victim ↔ proxy X25519MLKEM768 (hybrid) · proxy ↔ bank x25519 (classical)", or null when nothing was measured. */
export function describeKeyExchange(result: Pick<ScenarioResult, 'client' | 'connections'>): string | null {
  const legs = keyExchangeLegs(result)
  if (legs.length === 0) return null
  return legs.map((l) => `${l.leg} ${l.group} (${l.kind})`).join(' · ')
}
