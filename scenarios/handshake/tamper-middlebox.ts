import { describeOfferedHello } from '../../server/proxy/offered-hello.js'
import { newConnectionRecord, type ConnectionRecord } from '../../server/proxy/connection-record.js'
import { parseClientHello } from '../../server/tls/client-hello/parse-client-hello.js'
import { createTamperRelay, strategyFromSpec, type RelayedConnection, type TamperSpec } from '../../server/tls/tamper/index.js'
import type { PathMiddlebox, UpstreamEndpoint } from '../define-scenario.js'

/** When each relayed connection opened and closed: the relay itself keeps no clock. */
interface Timing {
  startedAt: Date
  endedAt: Date | null
}

/**
 * A non-terminating relay in front of the genuine server that tampers with
 * the TLS records as `spec` says. It holds no key: whatever it does has to be
 * caught by the endpoints' own checks (Finished, record protection).
 */
export async function startTamperMiddlebox(upstream: UpstreamEndpoint, spec: TamperSpec): Promise<PathMiddlebox> {
  const timings: Timing[] = []
  const relay = await createTamperRelay({
    upstream: { host: upstream.host, port: upstream.port },
    // Called once per accepted connection, in order: the moment it opened.
    tamper: () => {
      timings.push({ startedAt: new Date(), endedAt: null })
      return strategyFromSpec(spec)
    },
    idleTimeoutMs: 15_000,
  })
  const closedAt = (connection: RelayedConnection): void => {
    void connection.closed.then(() => {
      const timing = timings[connection.id]
      if (timing !== undefined) timing.endedAt ??= new Date()
    })
  }
  return {
    connectTo: { host: relay.host, port: relay.port },
    records: () =>
      relay.connections.map((connection) => {
        closedAt(connection)
        return relayRecord(connection, spec, timings[connection.id])
      }),
    whenIdle: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
      await Promise.race([Promise.all(relay.connections.map((connection) => connection.closed)), timeout])
      clearTimeout(timer)
    },
    close: () => relay.close(),
  }
}

/**
 * What the relay saw of one connection, honestly: ciphertext only (no
 * plaintext, no negotiated parameters it could not read), the ClientHello
 * the client offered, the byte counts of both legs, and what it tampered.
 */
export function relayRecord(connection: RelayedConnection, spec: TamperSpec, timing: Timing | undefined): ConnectionRecord {
  const record = newConnectionRecord(connection.id, 'passthrough', '127.0.0.1')
  const fromClient = connection.fromClient.bytes
  const hello = parseClientHello(fromClient)
  const tampered = spec.kind !== 'faithful' && connection.notes.length > 0
  return {
    ...record,
    startedAt: (timing?.startedAt ?? new Date()).toISOString(),
    endedAt: timing?.endedAt?.toISOString() ?? null,
    sni: hello.ok ? hello.hello.sni : null,
    offered: hello.ok ? describeOfferedHello(hello.hello) : null,
    helloError: hello.ok ? null : hello.message,
    outcome: 'passthrough',
    error: tampered ? { code: `TAMPERED_${spec.kind.toUpperCase().replace(/-/g, '_')}`, message: connection.notes.join('; ') } : null,
    bytes: {
      fromClient: fromClient.length,
      toClient: connection.toClient.bytes.length,
      toUpstream: connection.toServer.bytes.length,
      fromUpstream: connection.fromServer.bytes.length,
    },
  }
}
