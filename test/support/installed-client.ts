import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/*
 * Whether a real client can run here, probed with the program itself, never with the driver
 * under test (issue 22: a test must not skip itself by running the code it tests). A test that
 * finds the program then asserts that the driver's own availability() agrees, so a driver that
 * wrongly reports "not installed" fails instead of turning its tests into skips.
 */

interface Probe {
  /** True when the program (and what the driver needs beside it) runs here. */
  isInstalled: boolean
  /** Why not, with the Debian package to install. */
  reason: string
}

const runs = (command: string, args: readonly string[]): boolean => spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0
const spawns = (command: string, args: readonly string[]): boolean => spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).error === undefined

const PROBES: Readonly<Record<string, () => Probe>> = {
  curl: () => ({ isInstalled: runs('curl', ['--version']), reason: 'curl is not installed (Debian package curl)' }),
  wget: () => ({ isInstalled: runs('wget', ['--version']), reason: 'wget is not installed (Debian package wget)' }),
  openssl: () => ({ isInstalled: runs('openssl', ['version']), reason: 'openssl is not installed (Debian package openssl)' }),
  'python-urllib': () => ({ isInstalled: runs('/usr/bin/python3', ['-c', 'import ssl']), reason: '/usr/bin/python3 is not installed (Debian package python3)' }),
  'python-requests': () => ({
    isInstalled: runs('/usr/bin/python3', ['-c', 'import requests']),
    reason: 'python3 cannot import requests (Debian package python3-requests)',
  }),
  // certutil -H prints its help and exits non-zero: spawning it is the probe (as chromium-driver.ts needs it to).
  chromium: () => ({
    isInstalled: existsSync('/usr/bin/chromium') && runs('/usr/bin/chromium', ['--version']) && spawns('certutil', ['-H']),
    reason: '/usr/bin/chromium or certutil is missing (Debian packages chromium, libnss3-tools)',
  }),
  go: () => ({ isInstalled: runs('go', ['version']), reason: 'go is not installed (Debian package golang-go)' }),
  java: () => ({
    isInstalled: runs('java', ['-version']) && runs('javac', ['-version']),
    reason: 'java or javac is missing (Debian package openjdk-17-jdk-headless)',
  }),
  'gnutls-cli': () => ({ isInstalled: runs('gnutls-cli', ['--version']), reason: 'gnutls-cli is not installed (Debian package gnutls-bin)' }),
  // The driver runs botan in an unprivileged user+mount namespace for its private hosts view: probe both.
  botan: () => ({
    isInstalled: runs('botan', ['version']) && runs('script', ['--version']) && runs('unshare', ['--user', '--map-root-user', '--mount', 'true']),
    reason: 'botan is not installed (Debian package botan) or unprivileged user namespaces are disabled here',
  }),
}

/** The probe for a driver id; an id with no probe here is a mistake in the test, not a skip. */
export function probeClient(driverId: string): Probe {
  const probe = PROBES[driverId]
  if (probe === undefined) throw new Error(`no installed-client probe for driver "${driverId}" (test/support/installed-client.ts)`)
  return probe()
}
