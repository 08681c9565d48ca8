import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { chainPem, type LabPki } from '../../ca/index.js'
import type { Scenario } from '../../scenarios/define-scenario.js'
import { isLoopbackHost, MIN_TOKEN_LENGTH } from '../api/access-policy.js'
import { ConfigError } from '../errors.js'
import { closeServer, listen } from '../genuine/genuine-server.js'
import type { GenuineRequest } from '../lab/scenario-result.js'
import type { LabStore } from '../store/lab-store.js'
import { ConnectionLedger, type EntryConnection } from './connection-ledger.js'
import { startEntryPort, type Destination } from './entry-port.js'
import { classifyName, normalizeName } from './lab-names.js'
import { proxyPac } from './proxy-pac.js'
import { createSelfTestSite } from './selftest-site.js'
import { SelfTestVisits, type VisitReport } from './selftest-visits.js'
import { stageOpenLab, type NotServed, type OpenScenario } from './stage-open-lab.js'
import { VisitorStore } from './visitor-store.js'

export interface StartOpenLabParams {
  pki: LabPki
  scenarios: readonly Scenario[]
  /** Default: 127.0.0.1. Anything but loopback needs `token`. */
  host?: string
  /** Default: 0 (any free port). */
  port?: number
  token?: string
  /** Null: visits are judged but not stored. */
  store: LabStore | null
  now?: Date
  onLog?: (line: string) => void
  /** Every visitor connection handed on, and every finished visit (the command prints them). */
  onConnection?: (entry: EntryConnection) => void
  onVisit?: (report: VisitReport) => void
}

export interface OpenLab {
  /** The one address: HTTP proxy, PAC file and SNI-routed TLS. */
  entry: { host: string; port: number }
  /** How visitors reach the entry (the bind address, or this machine's first LAN address for a wildcard bind). */
  advertised: string
  pacUrl: string
  selfTestUrl: string
  /** The root a visitor installs (PEM): the lab's trusted root, name-constrained to lab names. */
  rootPem: string
  served: OpenScenario[]
  notServed: NotServed[]
  visits: SelfTestVisits
  ledger: ConnectionLedger
  /** bank.lab, or a served scenario's name. */
  isServedName(name: string): boolean
  close(): Promise<void>
}

/** `--token` rules, as for the dashboard (access-policy.ts): loopback needs none, anything else one of 16+ characters. */
export function checkOpenLabExposure(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && token === undefined) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `Listening on ${host} lets other machines use the open lab: pass --token (at least ${MIN_TOKEN_LENGTH} characters) to protect its visitor list and exports`,
    )
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError('CONFIG_INVALID', `--token must be at least ${MIN_TOKEN_LENGTH} characters`)
  }
}

/**
 * `mitmlab open`: every servable scenario live at `<id>.bank.lab`, the
 * genuine bank with the self-test at bank.lab, and one entry port in front.
 */
export async function startOpenLab(params: StartOpenLabParams): Promise<OpenLab> {
  const host = params.host ?? '127.0.0.1'
  checkOpenLabExposure(host, params.token)
  const staged = await stageOpenLab({ pki: params.pki, scenarios: params.scenarios, ...(params.now === undefined ? {} : { now: params.now }), ...(params.onLog === undefined ? {} : { onLog: params.onLog }) })
  const closers: (() => Promise<void>)[] = [() => staged.close()]
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch(() => {})
  }
  try {
    const ledger = new ConnectionLedger()
    const visitorStore = params.store === null ? null : new VisitorStore(params.store)
    const visits = new SelfTestVisits(staged.served, params.store, visitorStore, (change) => {
      if (change.finished !== undefined) params.onVisit?.(change.finished)
    })
    const requests: GenuineRequest[] = []
    const site = (scheme: 'https' | 'http') =>
      createSelfTestSite({ visits, ledger, served: staged.served, notServed: staged.notServed, requests, scheme })
    const bankTls = createHttpsServer(
      {
        key: staged.pki.genuineLeaf.key.privateKeyPem,
        cert: chainPem(staged.pki.genuineLeaf, staged.pki.trustedIntermediate),
        ALPNProtocols: ['http/1.1'],
        headersTimeout: 10_000,
        requestTimeout: 30_000,
      },
      site('https'),
    )
    await listen(bankTls, '127.0.0.1', 0)
    closers.push(() => closeServer(bankTls))
    const bankHttp = createHttpServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, site('http'))
    await listen(bankHttp, '127.0.0.1', 0)
    closers.push(() => closeServer(bankHttp))
    const local = (server: { address(): unknown }): Destination => ({ host: '127.0.0.1', port: (server.address() as AddressInfo).port })
    const byHost = new Map(staged.served.map((open) => [open.host, open]))
    let advertised = host
    const entry = await startEntryPort({
      host,
      port: params.port ?? 0,
      routes: {
        tls: (name) => {
          const kind = classifyName(name).kind
          if (kind === 'bank') return local(bankTls)
          return kind === 'scenario' ? (byHost.get(name)?.route ?? null) : null
        },
        http: (name) => (classifyName(name).kind === 'bank' ? local(bankHttp) : null),
        pac: () => proxyPac(`${bracketed(advertised)}:${entryPort()}`),
      },
      onConnection: (connection) => {
        const full = ledger.add(connection)
        visitorStore?.recordConnection({ address: full.clientAddress, ja4: full.ja4, ja3: full.ja3, userAgent: full.userAgent })
        params.onConnection?.(full)
      },
    })
    closers.push(() => entry.close())
    const entryPort = (): number => entry.port
    advertised = advertisedAddress(host)
    const base = `http://${bracketed(advertised)}:${entry.port}`
    return {
      entry: { host: entry.host, port: entry.port },
      advertised,
      pacUrl: `${base}/proxy.pac`,
      selfTestUrl: 'https://bank.lab/selftest',
      rootPem: params.pki.trustedRoot.pem,
      served: staged.served,
      notServed: staged.notServed,
      visits,
      ledger,
      isServedName: (name) => {
        const normalized = normalizeName(name)
        return normalized !== null && (classifyName(normalized).kind === 'bank' || byHost.has(normalized))
      },
      close: closeAll,
    }
  } catch (cause) {
    await closeAll()
    throw cause
  }
}

function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address
}

/** A wildcard bind is reached through a real interface: the first non-internal IPv4 address. */
function advertisedAddress(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal)
    if (found !== undefined) return found.address
  }
  return '127.0.0.1'
}
