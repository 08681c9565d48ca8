import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DriverTarget } from './client-driver.js'
import { PRELOADED_UNTIL } from './http-first-visit.js'
import { createNssDatabase } from './nss-database.js'
import { targetIsIp } from './target-url.js'

/** A throwaway Firefox profile: its NSS database holds exactly the victim's roots. */
export interface FirefoxProfile {
  directory: string
  /** user.js preferences, written by puppeteer-core at launch (extraPrefsFirefox). */
  prefs: Record<string, string | number | boolean>
  /** Roots of the victim's the profile's NSS could not import (certutil refused them): Firefox does not trust them. */
  refusedRoots: string[]
  remove(): void
}

/**
 * A fresh profile directory whose cert9.db/key4.db (Firefox reads its user
 * roots from the profile's NSS database, certutil -d sql:<profile>) trusts the
 * roots of target.caFile for TLS servers, with the preferences below. Firefox
 * also keeps its compiled-in Mozilla roots (the builtins module cannot be
 * unloaded by a profile); no lab certificate chains to one of them.
 */
export async function createFirefoxProfile(target: DriverTarget): Promise<FirefoxProfile> {
  const directory = mkdtempSync(join(tmpdir(), 'mitmlab-firefox-profile-'))
  const remove = (): void => rmSync(directory, { recursive: true, force: true })
  try {
    const database = await createNssDatabase(directory, target.caFile, { skipRefusedRoots: true })
    const hsts = hstsState(target.hsts?.preloaded ?? [])
    if (hsts !== '') writeFileSync(join(directory, 'SiteSecurityServiceState.txt'), hsts, { mode: 0o600 })
    return { directory, prefs: firefoxPrefs(target), refusedRoots: database.refusedRoots, remove }
  } catch (error) {
    remove()
    throw error
  }
}

/**
 * Preferences on top of puppeteer-core's test profile (@puppeteer/browsers
 * browser-data/firefox.js already turns off safebrowsing, remote settings
 * (services.settings.server: OneCRL, CRLite and intermediate preloading come
 * from there), health reports, updates, speculative connections). None of them
 * weakens certificate checks: there is no bypass pref here.
 */
export function firefoxPrefs(target: DriverTarget): Record<string, string | number | boolean> {
  return {
    // The hijacked resolver: every http:// and https:// URL goes through the lab's CONNECT tunnel (RFC 9110 §9.3.6),
    // which connects it to wherever bank.lab resolves in this scenario. TLS runs end to end through it, and Firefox
    // checks the certificate against the name in the URL, exactly as with a poisoned DNS answer.
    'network.proxy.type': 1,
    'network.proxy.http': target.tunnel.host,
    'network.proxy.http_port': target.tunnel.port,
    'network.proxy.ssl': target.tunnel.host,
    'network.proxy.ssl_port': target.tunnel.port,
    'network.proxy.share_proxy_settings': false,
    'network.proxy.no_proxies_on': '',
    // Firefox never proxies loopback unless told to (network.proxy.allow_hijacking_localhost, Firefox 67+). Left off
    // for names, so a scenario's OCSP responder or CRL server on 127.0.0.1 is reached directly, as a real Firefox
    // reaches a CA's; turned on only when the victim asks for an IP literal, which must cross the tunnel.
    'network.proxy.allow_hijacking_localhost': targetIsIp(target),
    // No DNS over HTTPS (TRR mode 5: off by choice), no DNS prefetch or predictor: no lookups beside the page's.
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.predictor.enabled': false,
    'network.prefetch-next': false,
    // Captive-portal and connectivity checks fetch detectportal.firefox.com at start-up.
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    // Telemetry pings (incoming.telemetry.mozilla.org) and their archive.
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': '',
    'datareporting.usage.uploadEnabled': false,
    // Studies and experiments (Normandy, Nimbus), the push service's WebSocket, region lookup, Pocket, accounts.
    'app.normandy.enabled': false,
    'app.shield.optoutstudies.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'dom.push.connection.enabled': false,
    'browser.region.network.url': '',
    'browser.region.update.enabled': false,
    'extensions.pocket.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'identity.fxaccounts.enabled': false,
    // Safebrowsing list updates (puppeteer turns the checks off; these are the list downloads).
    'browser.safebrowsing.update.enabled': false,
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'browser.safebrowsing.provider.google4.updateURL': '',
    // Enterprise roots would add the OS's trust store on Windows and macOS (not read on Linux); the MITM detector
    // turns them on by itself after a MOZILLA_PKIX_ERROR_MITM_DETECTED. The victim trusts exactly its roots: both off.
    'security.enterprise_roots.enabled': false,
    'security.certerrors.mitm.auto_enable_enterprise_roots': false,
    // No spare content process prelaunched, one content process: less CPU per start on a small shared machine.
    'dom.ipc.processPrelaunch.enabled': false,
    'dom.ipc.processCount': 1,
    // The login form must not be remembered or offered between scenarios (the profile is thrown away anyway).
    'signon.rememberSignons': false,
  }
}

/**
 * The HSTS policy the victim already holds, in the profile's HSTS store.
 * Firefox's preload list is compiled into libxul (nsSTSPreloadList.inc) and no
 * pref adds to it, so the preloaded names go where Firefox keeps the policies
 * it noted (RFC 6797 §8.1): SiteSecurityServiceState. Firefox reads the store's
 * old text format once and migrates it when no .bin exists
 * (security/manager/ssl/data_storage/src/lib.rs, read_old_format): one line per
 * entry, `<key>\t<score>\t<last accessed, days since 1970>\t<value>`, the value
 * `<expiry ms>,<state 1 = set>,<includeSubdomains>` (nsSiteSecurityService.cpp
 * ParseHSTSState). The key is the host plus its origin attributes' suffix
 * (GetStorageKey): with network-state partitioning (Firefox's default) a
 * top-level load of bank.lab carries partitionKey (https,bank.lab), so that
 * line is the one Firefox 153 looks up (checked: http://bank.lab/ then opens
 * as https://bank.lab/); the bare-host line serves an unpartitioned lookup.
 * The lab's names are their own registrable domain, which the partition key
 * names. The upgrade to https:// then happens before any request, as for a
 * preloaded name (RFC 6797 §8.3).
 */
export function hstsState(hosts: readonly string[], now: Date = new Date()): string {
  const days = Math.floor(now.getTime() / 86_400_000)
  const value = `${PRELOADED_UNTIL.getTime()},1,1`
  return hosts
    // OriginAttributes::CreateSuffix percent-encodes the key's parentheses and comma too.
    .flatMap((host) => [host, `${host}^partitionKey=%28https%2C${encodeURIComponent(host)}%29`])
    .map((key) => `${key}\t1\t${days}\t${value}\n`)
    .join('')
}
