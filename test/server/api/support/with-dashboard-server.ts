import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { loadOrCreateLabPki, type LabPki } from '../../../../ca/index.js'
import type { Ack, ClientToServerEvents, LabDelta, ServerToClientEvents } from '../../../../server/api/contract.js'
import { startDashboardServer, type DashboardServer, type StartDashboardServerParams } from '../../../../server/api/dashboard-server.js'
import { LabBus } from '../../../../server/bus/lab-bus.js'
import { storeFile } from '../../../../server/config.js'
import { LabStore } from '../../../../server/store/lab-store.js'

export type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface DashboardFixture {
  dir: string
  pki: LabPki
  store: LabStore
  bus: LabBus
  server: DashboardServer
  base: string
  /** Stops the server and starts a new one on the same port and store: what a page sees when `mitmlab serve` restarts. */
  restart(): Promise<void>
  /** Stops the server only (the store stays open). */
  stop(): Promise<void>
  close(): Promise<void>
}

type FixtureOptions = Partial<Pick<StartDashboardServerParams, 'token' | 'canRun' | 'dashboardDir' | 'rateLimits'>>

let sharedPki: { dir: string; pki: LabPki } | null = null

/** A real dashboard server on 127.0.0.1:0 over a real SQLite store in a temp dir (the PKI is shared by the file's tests). */
export async function startDashboardFixture(options: FixtureOptions = {}): Promise<DashboardFixture> {
  sharedPki ??= (() => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-api-pki-'))
    return { dir, pki: loadOrCreateLabPki(dir) }
  })()
  const { pki } = sharedPki
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-api-'))
  const store = new LabStore(storeFile(dir))
  const bus = new LabBus()
  const server = await startDashboardServer({ store, bus, pki, port: 0, ...options })
  let isRunning = true
  const fixture: DashboardFixture = {
    dir,
    pki,
    store,
    bus,
    server,
    base: `http://127.0.0.1:${server.port}`,
    stop: async () => {
      if (isRunning) await fixture.server.close()
      isRunning = false
    },
    restart: async () => {
      await fixture.stop()
      fixture.server = await startDashboardServer({ store, bus, pki, ...options, port: server.port })
      isRunning = true
    },
    close: async () => {
      await fixture.stop()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return fixture
}

export function removeSharedPki(): void {
  if (sharedPki !== null) rmSync(sharedPki.dir, { recursive: true, force: true })
  sharedPki = null
}

/** A socket.io client that records every delta it receives. */
export function connectSocket(base: string, options: { token?: string; origin?: string } = {}): { socket: LabSocket; deltas: LabDelta[] } {
  const deltas: LabDelta[] = []
  const socket: LabSocket = io(base, {
    transports: ['websocket'],
    reconnection: false,
    auth: options.token === undefined ? {} : { token: options.token },
    ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
  })
  socket.on('lab:deltas', (batch) => deltas.push(...batch))
  return { socket, deltas }
}

export function waitForConnect(socket: LabSocket): Promise<{ ok: true } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true }))
    socket.once('connect_error', (error) => resolve({ ok: false, message: error.message }))
  })
}

/** Emits with an ack and a bounded wait. */
export function call<T>(emit: (ack: (reply: Ack<T>) => void) => void, timeoutMs = 10_000): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ack')), timeoutMs)
    emit((reply) => {
      clearTimeout(timer)
      resolve(reply)
    })
  })
}

/** Resolves when `predicate` holds for the recorded deltas; bounded in time. */
export async function waitForDelta(deltas: LabDelta[], predicate: (delta: LabDelta) => boolean, timeoutMs = 30_000): Promise<LabDelta> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const found = deltas.find(predicate)
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no matching delta within ${timeoutMs} ms; got ${deltas.map((d) => d.type).join(', ')}`)
}
