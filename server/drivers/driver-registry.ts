import { ConfigError } from '../errors.js'
import { botanDriver } from './botan-driver.js'
import { chromiumDriver } from './chromium-driver.js'
import type { ClientDriver } from './client-driver.js'
import { curlDriver } from './curl-driver.js'
import { gnutlsCliDriver } from './gnutls-cli-driver.js'
import { goDriver } from './go-driver.js'
import { javaDriver } from './java-driver.js'
import { firefoxDriver } from './firefox-driver.js'
import { createCustomCommandDriver } from './custom-command-driver.js'
import { createNodeHttpsDriver } from './node-https-driver.js'
import { opensslDriver } from './openssl-driver.js'
import { createPythonDriver } from './python-driver.js'
import { tstclntDriver } from './tstclnt-driver.js'
import { wgetDriver } from './wget-driver.js'

/** Every real client the lab knows, in matrix column order. */
export const BUILT_IN_DRIVERS: readonly ClientDriver[] = [
  createNodeHttpsDriver({ insecure: false }),
  createNodeHttpsDriver({ insecure: true }),
  curlDriver,
  opensslDriver,
  createPythonDriver('urllib'),
  createPythonDriver('requests'),
  wgetDriver,
  tstclntDriver,
  chromiumDriver,
  goDriver,
  javaDriver,
  gnutlsCliDriver,
  botanDriver,
  firefoxDriver,
]

/**
 * `--clients` with no list: the command-line clients people ship, each well
 * under a second per scenario. gnutls-cli (~0.5 s) and go (a compiled binary,
 * ~0.3 s once built; the build is once per source hash, ~1 s of CPU with
 * Debian's prebuilt standard library) join them: two independent verifiers
 * for little time. nss-tstclnt joins too: NSS's classic verifier is an
 * independent opinion at the cost of a certutil database and one tstclnt per
 * scenario (1.9 s mean over the catalog, measured on 2 cores at load ~30).
 * Left out: chromium and firefox-esr (a browser launch per scenario: Firefox
 * took ~31 s each at that load), java (a JVM start per scenario, ~1 s of CPU each on two shared
 * cores), botan (Botan 2.19 refuses every chain of the lab's name-constrained
 * CAs, so its column is a known false reject; it needs a user namespace too)
 * and node-insecure (a demonstration of the classic mistake, not a client
 * anyone should ship); `--clients all` adds them.
 */
export const DEFAULT_CLIENT_IDS = [
  'node-https',
  'curl',
  'openssl',
  'python-urllib',
  'python-requests',
  'wget',
  'gnutls-cli',
  'go',
  'nss-tstclnt',
] as const

/** Names the issue and users also write. */
const ALIASES: Record<string, readonly string[]> = {
  node: ['node-https'],
  python: ['python-urllib', 'python-requests'],
  firefox: ['firefox-esr'],
  nss: ['nss-tstclnt'],
  tstclnt: ['nss-tstclnt'],
  default: DEFAULT_CLIENT_IDS,
}

export interface ClientSelection {
  drivers: ClientDriver[]
  /** Installed and runnable, with the version the results were measured with. */
  versions: { id: string; version: string }[]
  /** Asked for but not on this machine: reported, not failed. */
  skipped: { id: string; reason: string }[]
}

/**
 * `--clients` (true: the default set; 'all'; or a comma list) and `--client CMD`
 * (repeatable) → the drivers to run. Unknown names are a usage error; missing programs are skipped.
 */
export async function selectClients(
  clients: string | boolean | undefined,
  customCommands: readonly string[] = [],
): Promise<ClientSelection> {
  const requested = requestedDrivers(clients)
  const custom = customCommands.map((command, index) =>
    createCustomCommandDriver(command, customCommands.length === 1 ? 'custom' : `custom-${index + 1}`),
  )
  const checked = await Promise.all(
    [...requested, ...custom].map(async (driver) => ({ driver, availability: await driver.availability() })),
  )
  const selection: ClientSelection = { drivers: [], versions: [], skipped: [] }
  for (const { driver, availability } of checked) {
    if (availability.isAvailable) {
      selection.drivers.push(driver)
      selection.versions.push({ id: driver.id, version: availability.version })
    } else {
      selection.skipped.push({ id: driver.id, reason: availability.reason })
    }
  }
  return selection
}

function requestedDrivers(clients: string | boolean | undefined): ClientDriver[] {
  if (clients === undefined || clients === false) return []
  const spec = clients === true ? 'default' : clients
  const names = spec
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
  const ids = new Set(
    names.flatMap((name) =>
      name === 'all' ? BUILT_IN_DRIVERS.map((driver) => driver.id) : (ALIASES[name] ?? [name]),
    ),
  )
  const known = new Set(BUILT_IN_DRIVERS.map((driver) => driver.id))
  const unknown = [...ids].filter((id) => !known.has(id))
  if (unknown.length > 0) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `Unknown client(s) ${unknown.join(', ')}: --clients takes all, default or a comma list of ${[...known].join(', ')} (use --client 'CMD' for your own)`,
    )
  }
  return BUILT_IN_DRIVERS.filter((driver) => ids.has(driver.id))
}
