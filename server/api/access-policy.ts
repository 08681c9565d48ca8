import { timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { ConfigError } from '../errors.js'

/**
 * Who may talk to the dashboard server (issue 10, "Exposure"): loopback by
 * default; any other bind address needs a token; browsers may only connect
 * from the server's own origin (a page on another site cannot drive the lab
 * through the user's browser: the CSRF / cross-site WebSocket hijacking case).
 */
export interface AccessPolicy {
  /** Null: no token needed (loopback bind). */
  token: string | null
  /** Origins (scheme://host:port) a browser may connect from. Filled in once the port is known. */
  allowedOrigins: Set<string>
}

/** Minimum token length, so a bind on a LAN address is not protected by "1234". */
export const MIN_TOKEN_LENGTH = 16

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '[::1]'
}

/** Refuses a non-loopback bind without a good token. */
export function createAccessPolicy(host: string, token: string | undefined): AccessPolicy {
  if (!isLoopbackHost(host)) {
    if (token === undefined) {
      throw new ConfigError('CONFIG_INVALID', `Binding the dashboard to ${host} exposes it beyond this machine: pass --token (at least ${MIN_TOKEN_LENGTH} characters)`)
    }
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError('CONFIG_INVALID', `The dashboard token must be at least ${MIN_TOKEN_LENGTH} characters`)
  }
  return { token: token ?? null, allowedOrigins: new Set() }
}

/** The origins a browser uses for this server once it listens on `port`; a wildcard bind answers on every interface. */
export function originsFor(host: string, port: number): string[] {
  const loopback = ['127.0.0.1', 'localhost', '[::1]']
  const isWildcard = host === '0.0.0.0' || host === '::'
  const interfaces = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address))
  const hosts = isLoopbackHost(host) ? loopback : isWildcard ? [...loopback, ...interfaces] : [host]
  return hosts.map((name) => `http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`)
}

/** Browsers always send Origin on WebSocket and cross-origin requests; tools (curl, tests) send none and are allowed. */
export function isOriginAllowed(policy: AccessPolicy, origin: string | undefined): boolean {
  return origin === undefined || policy.allowedOrigins.has(origin)
}

/**
 * DNS rebinding defence: a page on evil.example whose name re-resolves to
 * 127.0.0.1 is same-origin with itself, sends no Origin on GET, but still
 * names its own host in the Host header. Only the names this server answers
 * to are accepted (the same list as the origins).
 */
export function isHostAllowed(policy: AccessPolicy, host: string | undefined): boolean {
  return host !== undefined && policy.allowedOrigins.has(`http://${host}`)
}

export function isTokenValid(policy: AccessPolicy, presented: unknown): boolean {
  if (policy.token === null) return true
  if (typeof presented !== 'string') return false
  const expected = Buffer.from(policy.token)
  const given = Buffer.from(presented)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
