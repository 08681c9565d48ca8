import { execFileSync, spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect } from 'node:tls'
import { runInstrumentedClient } from '../client/instrumented-client.js'

/** The clients the lab drives, whose fingerprints the catalog records. */
export const LAB_CLIENT_IDS = ['lab-verifier', 'node-tls', 'node-https', 'node-fetch', 'curl', 'openssl-s-client'] as const
export type LabClientId = (typeof LAB_CLIENT_IDS)[number]

/** The host name every lab client asks for (SNI); the recorder resolves it to 127.0.0.1. */
export const LAB_HOST = 'bank.lab'

export interface LabClient {
  id: LabClientId
  description: string
  /** The software that builds the hello, e.g. "node v20.20.2, OpenSSL 3.0.19"; null if not installed. */
  software(): string | null
  /** Opens a TLS connection to 127.0.0.1:port; must tolerate the recorder dropping it after the hello. */
  connectTls(port: number): void
  /** Sends one plain-HTTP request to 127.0.0.1:port, to record the User-Agent it claims; absent for non-HTTP clients. */
  requestHttp?: (port: number) => void
}

const ignore = (): undefined => undefined

function commandVersion(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 5000 }).split('\n')[0]?.trim() ?? null
  } catch {
    // Not installed (ENOENT) is an expected outcome: the recorder skips the client.
    return null
  }
}

const nodeSoftware = (): string => `node ${process.version}, OpenSSL ${process.versions.openssl}`

export const LAB_CLIENTS: readonly LabClient[] = [
  {
    id: 'lab-verifier',
    description: "the lab's instrumented client (server/client/instrumented-client.ts), as scenarios run it",
    software: nodeSoftware,
    // The real client, not a copy of its options: it trusts nothing here and fails after the hello, as intended.
    // It names itself with x-mitmlab-client only after a verified handshake, so no User-Agent is recorded.
    connectTls: (port) => {
      void runInstrumentedClient({
        connectTo: { host: '127.0.0.1', port },
        expectedHost: LAB_HOST,
        policy: { trustAnchors: [] },
        credentials: { username: 'catalog', password: 'catalog' },
        timeoutMs: 5000,
      }).catch(ignore)
    },
  },
  {
    id: 'node-tls',
    description: 'node:tls connect() with default options',
    software: nodeSoftware,
    connectTls: (port) => {
      connect({ host: '127.0.0.1', port, servername: LAB_HOST }).on('error', ignore)
    },
  },
  {
    id: 'node-https',
    description: 'node:https request() with the default agent',
    software: nodeSoftware,
    connectTls: (port) => {
      httpsRequest({ host: '127.0.0.1', port, servername: LAB_HOST, path: '/' }).on('error', ignore).end()
    },
    requestHttp: (port) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }).on('error', ignore).end()
    },
  },
  {
    id: 'node-fetch',
    description: "node's global fetch() (undici)",
    software: nodeSoftware,
    // fetch() takes no servername; 'localhost' gives it a name to send, resolved to loopback.
    connectTls: (port) => void fetch(`https://localhost:${port}/`).catch(ignore),
    requestHttp: (port) => void fetch(`http://127.0.0.1:${port}/`).catch(ignore),
  },
  {
    id: 'curl',
    description: 'curl with default options',
    software: () => commandVersion('curl', ['--version']),
    connectTls: (port) => {
      spawn('curl', ['-s', '-o', '/dev/null', '--resolve', `${LAB_HOST}:${port}:127.0.0.1`, `https://${LAB_HOST}:${port}/`], { stdio: 'ignore' }).on('error', ignore)
    },
    requestHttp: (port) => {
      spawn('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`], { stdio: 'ignore' }).on('error', ignore)
    },
  },
  {
    id: 'openssl-s-client',
    description: 'openssl s_client with default options',
    software: () => commandVersion('openssl', ['version']),
    connectTls: (port) => {
      const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', LAB_HOST], { stdio: ['pipe', 'ignore', 'ignore'] })
      child.on('error', ignore)
      child.stdin.on('error', ignore)
      child.stdin.end()
    },
  },
]

export function findLabClient(id: string): LabClient | undefined {
  return LAB_CLIENTS.find((client) => client.id === id)
}
