import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer, connect, type AddressInfo } from 'node:net'
import { LabError } from '../errors.js'

const READY_TIMEOUT_MS = 20_000
const STOP_GRACE_MS = 3_000
const LOG_TAIL_BYTES = 8 * 1024

/** A product process the lab started: its log tail for diagnostics, and a bounded stop. */
export interface ProductProcess {
  child: ChildProcess
  logTail(): string
  stop(): Promise<void>
}

/** The path of `command` on PATH, or null: an explicit `which`, so a missing product is skipped with a reason. */
export function which(command: string): string | null {
  const result = spawnSync('which', [command], { encoding: 'utf8' })
  const path = result.stdout.trim()
  return result.status === 0 && path !== '' ? path : null
}

/**
 * A free loopback port for products that cannot listen on port 0 and report
 * it (squid, sslsplit, mitmdump): bound, read and released. Another process
 * could take it in between; the product then fails to start and says so.
 */
export async function reservePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Starts `file args` and waits until every port in `ports` accepts TCP connections on 127.0.0.1. */
export async function startProductProcess(name: string, file: string, args: string[], ports: number[], env: NodeJS.ProcessEnv = process.env): Promise<ProductProcess> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  let log = ''
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  let exit: string | null = null
  child.once('exit', (code, signal) => {
    exit = `exited with ${code ?? signal ?? '?'}`
  })
  child.once('error', (error) => {
    exit = error.message
  })
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (const port of ports) {
    for (;;) {
      if (exit !== null) {
        throw new LabError('PROXY_START_FAILED', `${name} ${exit} before listening on 127.0.0.1:${port}: ${log.trim().split('\n').slice(-5).join(' | ')}`)
      }
      if (await accepts(port)) break
      if (Date.now() > deadline) {
        await stop()
        throw new LabError('PROXY_START_FAILED', `${name} did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms: ${log.trim().split('\n').slice(-5).join(' | ')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { child, logTail: () => log, stop }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
