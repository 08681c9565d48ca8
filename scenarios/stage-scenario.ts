import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'
import { chainPem, derToPem, formatName } from '../ca/index.js'
import type { ClientPolicy } from '../server/client/instrumented-client.js'
import { startConnectTunnel, type ConnectTunnel } from '../server/drivers/connect-tunnel.js'
import { startExplicitProxyEntry } from '../server/drivers/explicit-proxy-entry.js'
import { LabError } from '../server/errors.js'
import { startGenuineServer, type GenuineServer } from '../server/genuine/genuine-server.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'
import { startInterceptingProxy, type InterceptingProxy } from '../server/proxy/intercepting-proxy.js'
import type { PathMiddlebox, Scenario, ScenarioContext } from './define-scenario.js'
import type { LabEnvironment } from './runner.js'

/** What one scenario stands up; the runner tears all of it down. */
export interface StagedServers {
  genuine: GenuineServer | null
  proxy: PathMiddlebox | null
  /**
   * Only when real client drivers run: the CONNECT stand-in for a hijacked resolver or, when the
   * victim is configured with an explicit proxy, the entry to that proxy (explicit-proxy-entry.ts).
   */
  tunnel: ConnectTunnel | null
  /** Only when real client drivers run: holds the victim's trust anchors as a PEM file. */
  caDir: string | null
}

/** The runner's log line, tagged with its run and scenario. */
export type RunnerLog = (level: 'info' | 'warn' | 'error', type: string, message: string, data?: unknown) => void

/** Starts the genuine server and whatever the scenario puts on the path. */
export async function stageScenario(
  env: LabEnvironment,
  scenario: Scenario,
  context: ScenarioContext,
  servers: StagedServers,
  position: { runId: string; ordinal: number },
  log: RunnerLog,
): Promise<void> {
  const { pki } = env
  servers.genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
    onIncident: (incident) => log('info', `genuine-${incident.type}`, incident.message, { code: incident.code }),
  })
  const upstream = { host: servers.genuine.host, port: servers.genuine.port, caPem: pki.trustedRoot.pem }
  const proxyLog = {
    onIncident: (incident: { type: string; message: string; connectionId: number }) =>
      log('info', `proxy-${incident.type}`, incident.message, { connectionId: incident.connectionId }),
    onRecord: (record: ConnectionRecord) =>
      env.bus.emit('connection:closed', { runId: position.runId, scenarioId: scenario.id, record }),
  }
  const topology = scenario.topology
  if (topology.kind === 'intercept') {
    const forged = topology.forge(context)
    const [leaf] = forged.served
    if (leaf === undefined) throw new LabError('SCENARIO_INVALID', `Scenario ${scenario.id} forged an empty chain`)
    const served = {
      // The version and cipher limits live in the secure context the proxy's TLS server uses (downgrade attacks).
      secureContext: createSecureContext({ key: leaf.key.privateKeyPem, cert: chainPem(...forged.served), ...topology.clientFacingTls }),
      chainDer: forged.served.map((cert) => cert.der),
      chainSubjects: forged.served.map((cert, index) => ({
        subject: formatName(cert.subject),
        issuer: formatName(forged.served[index + 1]?.subject ?? cert.subject),
      })),
    }
    servers.proxy = asMiddlebox(await startInterceptingProxy({
      mode: 'terminate',
      upstream,
      certificateFor: () => served,
      ...(topology.clientFacingTls === undefined ? {} : { clientFacingTls: topology.clientFacingTls }),
      ...proxyLog,
    }))
    log('info', 'proxy-forged', forged.description)
  } else if (topology.kind === 'passthrough') {
    servers.proxy = asMiddlebox(await startInterceptingProxy({ mode: 'passthrough', upstream, ...proxyLog }))
  } else if (topology.kind === 'custom') {
    servers.proxy = await topology.start(context, upstream)
  }
  if ((env.drivers ?? []).length > 0) {
    const policy = victimPolicy(context, scenario)
    const connectTo = servers.proxy?.connectTo ?? servers.genuine
    // An explicit proxy answers CONNECT, not a ClientHello: real clients reach it through an entry
    // that lets each use the proxy the way it can. Without one every client timed out (issue 22).
    servers.tunnel =
      policy.explicitProxy === true && servers.proxy !== null
        ? await startExplicitProxyEntry(servers.proxy.connectTo, context.host)
        : await startConnectTunnel({ host: connectTo.host, port: connectTo.port })
    servers.caDir = mkdtempSync(join(tmpdir(), 'mitmlab-victim-'))
    writeFileSync(join(servers.caDir, 'victim-roots.pem'), policy.trustAnchors.map((der) => derToPem(der)).join(''))
  }
}

/** The lab proxy seen as a middlebox on the path. */
export function asMiddlebox(proxy: InterceptingProxy): PathMiddlebox {
  return {
    connectTo: { host: proxy.host, port: proxy.port },
    records: () => proxy.records,
    whenIdle: (timeoutMs) => proxy.whenIdle(timeoutMs),
    close: () => proxy.close(),
  }
}

/** The victim trusts the public lab root and, like a corporate laptop, the installed interception CA. */
export function victimPolicy(context: ScenarioContext, scenario: Scenario): ClientPolicy {
  return {
    trustAnchors: [context.pki.trustedRoot.der, context.pki.interceptionCa.der],
    ...scenario.clientPolicy?.(context),
  }
}
