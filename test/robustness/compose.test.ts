import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../support/cli-process.js'

/**
 * There is no Docker engine on these machines, so docker-compose.yml is
 * checked against the repository instead: every service's command is a real
 * `mitmlab` subcommand with real flags (asked of the CLI at test time), every
 * build input exists, ports are published on 127.0.0.1 only, and the networks
 * leave the client no route to the genuine server except through the proxy.
 */
interface ComposeService {
  build?: { context: string; dockerfile: string }
  image?: string
  command?: string[]
  networks?: string[] | Record<string, { aliases?: string[] } | null>
  network_mode?: string
  ports?: string[]
  volumes?: string[]
  environment?: Record<string, string>
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
  privileged?: boolean
}
interface ComposeFile {
  services: Record<string, ComposeService>
  networks: Record<string, { internal?: boolean } | null>
  volumes: Record<string, unknown>
}

const composeText = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')
const compose = parse(composeText, { merge: true }) as ComposeFile
const services = compose.services
const service = (name: string): ComposeService => {
  const found = services[name]
  if (found === undefined) throw new Error(`docker-compose.yml has no service ${name}`)
  return found
}
const networksOf = (s: ComposeService): string[] => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {}))
const aliasesOn = (s: ComposeService, network: string): string[] => (Array.isArray(s.networks) ? [] : (s.networks?.[network]?.aliases ?? []))
const optionValue = (command: string[], flag: string): string | undefined => command[command.indexOf(flag) + 1]

/** Every `mitmlab` command and its flags, as server/cli/main.ts registers them now (others keep adding commands). */
let commands: Record<string, string[]> = {}

beforeAll(() => {
  const out = join(mkdtempSync(join(tmpdir(), 'mitmlab-cli-')), 'commands.json')
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/cli-commands.ts', out], { cwd: REPO_ROOT, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`cli-commands.ts failed: ${result.stderr}`)
  commands = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string[]>
}, 60_000)

describe('docker-compose.yml', () => {
  it('has the genuine server, the proxy, the client, the runner and the dashboard', () => {
    expect(Object.keys(services).sort()).toEqual(['client', 'dashboard', 'genuine', 'proxy', 'runner'])
  })

  it.each(['genuine', 'proxy', 'client', 'runner', 'dashboard'])('%s runs a mitmlab subcommand that exists, with flags it accepts', (name) => {
    const command = service(name).command ?? []
    expect(Object.keys(commands)).toContain(command[0])
    const accepted = new Set(commands[command[0] ?? ''] ?? [])
    for (const flag of command.filter((arg) => arg.startsWith('--'))) expect({ command: command[0], flag, accepted: accepted.has(flag) }).toEqual({ command: command[0], flag, accepted: true })
  })

  it('builds every service from a Dockerfile in the repo, based on node:20-bookworm-slim, running npm ci and the mitmlab CLI', () => {
    for (const s of Object.values(services)) {
      expect(s.build).toBeDefined()
      expect(existsSync(join(REPO_ROOT, s.build?.context ?? '', s.build?.dockerfile ?? ''))).toBe(true)
    }
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim'])
    expect(dockerfile).toMatch(/^RUN npm ci\b/m)
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)?.[1] ?? '[]') as string[]
    expect(entrypoint).toEqual(['node', 'bin/mitmlab.mjs'])
    expect(existsSync(join(REPO_ROOT, 'bin/mitmlab.mjs'))).toBe(true)
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    for (const script of dockerfile.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toHaveProperty([script[1] ?? ''])
  })

  it('keeps private keys, stores and host node_modules out of the image', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n')
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.mitmlab', '*.key.pem', '*.sqlite']))
  })

  it('publishes ports on 127.0.0.1 only, and only the dashboard', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const port of s.ports ?? []) expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) })
      expect(s.network_mode).not.toBe('host')
      expect(s.privileged).not.toBe(true)
    }
    expect(Object.entries(services).filter(([, s]) => (s.ports ?? []).length > 0).map(([name]) => name)).toEqual(['dashboard'])
    expect(service('dashboard').ports).toEqual([`127.0.0.1:8377:${optionValue(service('dashboard').command ?? [], '--port') ?? ''}`])
  })

  it('gives the client no network shared with the genuine server: only the proxy joins them', () => {
    const client = networksOf(service('client'))
    const genuine = networksOf(service('genuine'))
    const proxy = networksOf(service('proxy'))
    expect(client.filter((network) => genuine.includes(network))).toEqual([])
    expect(client.some((network) => proxy.includes(network))).toBe(true)
    expect(genuine.some((network) => proxy.includes(network))).toBe(true)
    for (const network of [...client, ...genuine]) expect({ network, internal: compose.networks[network]?.internal }).toEqual({ network, internal: true })
    expect(service('runner').network_mode).toBe('none')
    expect(networksOf(service('dashboard')).filter((n) => [...client, ...genuine].includes(n))).toEqual([])
  })

  it('sends the client to bank.lab, which on its network is the proxy (hijacked DNS), and the proxy on to the genuine service', () => {
    const [host, port] = (optionValue(service('client').command ?? [], '--connect') ?? '').split(':')
    const clientNetworks = networksOf(service('client'))
    const answering = Object.entries(services).filter(([, s]) => clientNetworks.some((network) => aliasesOn(s, network).includes(host ?? '')))
    expect(answering.map(([name]) => name)).toEqual(['proxy'])
    expect(port).toBe(optionValue(service('proxy').command ?? [], '--listen'))
    const upstream = new URL(optionValue(service('proxy').command ?? [], '--upstream') ?? '')
    expect(upstream.hostname).toBe('genuine')
    expect(upstream.port).toBe(optionValue(service('genuine').command ?? [], '--port'))
  })

  it('health-checks the ports the services listen on', () => {
    expect(service('genuine').healthcheck?.test.join(' ')).toContain(`connect(${optionValue(service('genuine').command ?? [], '--port') ?? ''},`)
    expect(service('proxy').healthcheck?.test.join(' ')).toContain(`connect(${optionValue(service('proxy').command ?? [], '--listen') ?? ''},`)
    expect(service('proxy').depends_on?.['genuine']?.condition).toBe('service_healthy')
    expect(service('client').depends_on?.['proxy']?.condition).toBe('service_healthy')
  })

  it('shares one declared data volume at MITMLAB_DATA_DIR, with distinct host names so aborted runs are told apart', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, volumes: s.volumes }).toEqual({ name, volumes: ['lab-data:/data'] })
      expect(s.environment?.['MITMLAB_DATA_DIR']).toBe('/data')
    }
    expect(Object.keys(compose.volumes)).toEqual(['lab-data'])
    const hostnames = Object.values(services).map((s) => (s as { hostname?: string }).hostname)
    expect(new Set(hostnames).size).toBe(Object.keys(services).length)
  })

  it('requires a dashboard token from the environment and ships no default', () => {
    expect(composeText).toMatch(/MITMLAB_TOKEN: \$\{MITMLAB_TOKEN:\?[^}]+\}/)
  })

  const compose129 = spawnSync('docker-compose', ['version'], { encoding: 'utf8' })
  it.skipIf(compose129.status !== 0)('passes `docker-compose config -q` (skipped where docker-compose is not installed)', () => {
    const ok = spawnSync('docker-compose', ['config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, MITMLAB_TOKEN: 'a-test-token-of-32-characters-00' } })
    expect({ status: ok.status, stderr: ok.stderr }).toEqual({ status: 0, stderr: '' })
    const env = { ...process.env }
    delete env['MITMLAB_TOKEN']
    const missing = spawnSync('docker-compose', ['config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8', env })
    expect(missing.status).not.toBe(0)
    expect(missing.stderr).toContain('MITMLAB_TOKEN')
  })
})
