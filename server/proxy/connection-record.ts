import type { Socket } from 'node:net'
import type { ClientHello } from '../tls/client-hello/parse-client-hello.js'
import { describeOfferedHello } from './offered-hello.js'
import type { ProxyFlow } from './proxy-flow.js'
import type { ServedCertificate } from './proxy-types.js'

/** What the proxy saw on one client connection: the record a trainee reads after an attack. */
export interface ConnectionRecord {
  id: number
  startedAt: string
  endedAt: string | null
  /** terminate: the proxy forges and decrypts; passthrough: it relays ciphertext it cannot read. */
  mode: 'terminate' | 'passthrough'
  clientAddress: string
  /** The `host:port` an explicit client asked for with CONNECT (http-connect entry only). */
  connectTarget?: string
  sni: string | null
  /** What the client offered in its ClientHello. */
  offered: OfferedHello | null
  /** Why the ClientHello could not be read, when it could not. */
  helloError: string | null
  /**
   * What the proxy and the client agreed (terminate mode only). `group`: the key-exchange group of
   * this leg (IANA name: X25519MLKEM768, x25519, secp256r1…), as OpenSSL chose it for the client's
   * hello (server/tls/server-group-probe.ts); absent when not measured.
   */
  negotiated: { version: string; cipher: string; alpn: string | null; group?: string | null } | null
  /** The chain the proxy served, leaf first (terminate mode only). */
  servedChain: { subject: string; issuer: string; derBase64: string }[]
  outcome: ConnectionOutcome
  /** The TLS alert the client sent when it refused the handshake, e.g. 'unknown_ca'. */
  clientAlert: string | null
  error: { code: string; message: string } | null
  /** Application bytes on each leg: plaintext in terminate mode, the bytes on the wire in passthrough mode. */
  bytes: { fromClient: number; toClient: number; toUpstream: number; fromUpstream: number }
  /** What the proxy could read in the clear: the prize. Empty in passthrough mode. */
  plaintext: {
    requests: { method: string; path: string; host: string | null }[]
    credentials: { field: string; value: string; path: string }[]
    cookies: string[]
    /** Requests past the cap of `requests` (MAX_PLAINTEXT_ENTRIES): counted, not listed. */
    requestsNotListed?: number
    /** Every request and response read, with headers and decoded bodies (mitmweb's flows); stored in proxy_flows. */
    flows?: ProxyFlow[]
    /** Flows past MAX_FLOWS_PER_CONNECTION: counted, not kept. */
    flowsNotListed?: number
  }
  /** The proxy→genuine leg; `group` as on `negotiated`, read from the proxy's own client socket. */
  upstream: { version: string | null; cipher: string | null; group?: string | null; error: string | null } | null
  /**
   * The proxy→genuine leg's TLS secrets (NSS key log lines), recorded only when the proxy keeps
   * records: with a capture of the loopback ports they let Wireshark open the attacker's own leg.
   */
  upstreamKeyLog?: string
}

export interface OfferedHello {
  versions: string[]
  cipherSuites: string[]
  alpn: string[]
  groups: string[]
  ja3: string | null
  ja4: string | null
}

/**
 * relayed: the client finished the handshake and the proxy relayed traffic.
 * client-rejected: the client refused the proxy's certificate with a TLS alert.
 * client-closed-after-handshake: the client finished TLS, then hung up without a request (how Node rejects).
 * client-hung-up: the client vanished before the handshake finished, without an alert.
 * handshake-failed: the TLS handshake failed for another reason (versions, ciphers, garbage).
 * upstream-failed: the genuine server could not be reached.
 * passthrough: relayed as opaque bytes.
 * refused: the proxy was at its connection limit, or the CONNECT target is not one it serves.
 */
export type ConnectionOutcome =
  | 'open'
  | 'relayed'
  | 'client-rejected'
  | 'client-closed-after-handshake'
  | 'client-hung-up'
  | 'handshake-failed'
  | 'upstream-failed'
  | 'passthrough'
  | 'refused'

export function newConnectionRecord(id: number, mode: ConnectionRecord['mode'], clientAddress: string): ConnectionRecord {
  return {
    id,
    startedAt: new Date().toISOString(),
    endedAt: null,
    mode,
    clientAddress,
    sni: null,
    offered: null,
    helloError: null,
    negotiated: null,
    servedChain: [],
    outcome: 'open',
    clientAlert: null,
    error: null,
    bytes: { fromClient: 0, toClient: 0, toUpstream: 0, fromUpstream: 0 },
    plaintext: { requests: [], credentials: [], cookies: [] },
    upstream: null,
  }
}

/** The parts of a record that cost something (names, base64, counters), filled in once, at close. */
export function completeRecord(
  record: ConnectionRecord,
  seen: { hello: ClientHello | null; served: ServedCertificate | null; client: Socket; upstream: Pick<Socket, 'bytesWritten' | 'bytesRead'> | null },
): void {
  record.endedAt = new Date().toISOString()
  if (seen.hello !== null) record.offered = describeOfferedHello(seen.hello)
  const served = seen.served
  if (served !== null) {
    record.servedChain = served.chainSubjects.map((names, index) => ({ ...names, derBase64: served.chainDer[index]?.toString('base64') ?? '' }))
  }
  record.bytes = {
    fromClient: seen.client.bytesRead,
    toClient: seen.client.bytesWritten,
    toUpstream: seen.upstream?.bytesWritten ?? 0,
    fromUpstream: seen.upstream?.bytesRead ?? 0,
  }
}
