import { startPlainHttpRedirector } from '../../server/sslstrip/plain-http-redirector.js'
import { startSslstripProxy } from '../../server/sslstrip/sslstrip-proxy.js'
import { defineScenario, type PathMiddlebox, type Scenario, type ScenarioContext, type UpstreamEndpoint } from '../define-scenario.js'

interface StripPlan {
  stripUpgradeHeaders: boolean
  /** Plain-HTTP visits the attacker lets through before it starts stripping. */
  honestVisits: number
  /** false: no attacker, the victim's http:// traffic reaches the bank (a control). */
  isAttacking?: boolean
}

/**
 * The attacker owns the victim's route to bank.lab (rogue Wi-Fi, ARP or DNS
 * spoofing): plain HTTP lands on sslstrip, TLS is relayed untouched. The
 * bank's own port 80 redirects to https.
 */
async function startStripping(context: ScenarioContext, upstream: UpstreamEndpoint, plan: StripPlan): Promise<PathMiddlebox> {
  const redirector = await startPlainHttpRedirector({ httpsHost: context.host })
  const proxy = await startSslstripProxy({
    siteHost: context.host,
    upstreamHttp: redirector,
    upstreamHttps: upstream,
    stripUpgradeHeaders: plan.stripUpgradeHeaders,
    honestVisits: plan.isAttacking === false ? Number.MAX_SAFE_INTEGER : plan.honestVisits,
  })
  return {
    connectTo: { host: proxy.host, port: proxy.port },
    // An honest path is not an attacker: nothing it carried is a capture.
    records: () => (plan.isAttacking === false ? [] : proxy.records),
    whenIdle: (timeoutMs) => proxy.whenIdle(timeoutMs),
    close: async () => {
      await proxy.close()
      await redirector.close()
    },
  }
}

const REFERENCES = ['Marlinspike, "New Tricks for Defeating SSL in Practice" (Black Hat DC 2009)', 'RFC 6797 §8, §12.1']
const START = { startUrl: 'http://bank.lab/' }

export const httpFirstNoAttacker = defineScenario({
  id: 'http-first-visit-no-attacker',
  title: 'Typing bank.lab without https, no attacker (control)',
  explanation:
    'The victim types bank.lab; the browser tries http:// first. With nobody on the path, the bank\'s port 80 ' +
    'redirects to https, the client follows, verifies the genuine certificate and signs in over TLS.',
  references: ['RFC 6797 §7.2'],
  tags: ['control', 'http'],
  kind: 'control',
  topology: { kind: 'custom', start: (context, upstream) => startStripping(context, upstream, { stripUpgradeHeaders: false, honestVisits: 0, isAttacking: false }) },
  clientPolicy: () => ({ ...START }),
  expect: { verdict: 'accept', step: null },
})

export const sslstripFirstVisit = defineScenario({
  id: 'sslstrip-first-visit',
  title: 'sslstrip on a first visit: nothing catches it',
  explanation:
    "The victim types bank.lab and has never visited it. The attacker answers the http:// request itself, fetches " +
    'the bank over TLS, and serves every page over plain HTTP with https:// links, redirects and Secure cookies ' +
    'rewritten. No certificate is ever shown, so no certificate check runs: the login goes out in the clear. Only ' +
    'an HSTS preload list (or an HTTPS-only mode) protects a first visit.',
  references: [...REFERENCES, 'bettercap http.proxy sslstrip', 'nogotofail sslstrip'],
  tags: ['http', 'sslstrip', 'weakness'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startStripping(context, upstream, { stripUpgradeHeaders: false, honestVisits: 0 }) },
  clientPolicy: () => ({ ...START }),
  expect: { verdict: 'accept', step: null },
})

export const sslstripPreloaded = defineScenario({
  id: 'sslstrip-hsts-preloaded',
  title: 'sslstrip against a client with bank.lab on its HSTS preload list',
  explanation:
    'bank.lab ships in the client\'s HSTS preload list, so the client rewrites http://bank.lab/ to https:// before ' +
    'sending anything (RFC 6797 §8.3). The stripping proxy never gets a plain-HTTP request; the TLS connection it ' +
    'relays reaches the genuine bank. HSTS is where the attack is stopped: the client refuses the plain-HTTP route ' +
    'the attack needs.',
  references: [...REFERENCES, 'hstspreload.org', 'badssl.com preloaded-hsts'],
  tags: ['http', 'sslstrip', 'hsts'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startStripping(context, upstream, { stripUpgradeHeaders: true, honestVisits: 0 }) },
  clientPolicy: () => ({ ...START, hsts: { preloaded: ['bank.lab'] } }),
  expect: { verdict: 'reject', step: 'HSTS', code: 'HSTS_PLAINTEXT_REFUSED' },
})

export const sslstripAfterCleanVisit = defineScenario({
  id: 'sslstrip-hsts-cached',
  title: 'sslstrip after one clean visit: the cached HSTS policy catches it',
  explanation:
    'Yesterday, at home, the victim visited bank.lab: the redirect took it to https and the bank answered with ' +
    'Strict-Transport-Security (one year), which the client cached. Today, on the attacker\'s Wi-Fi, the cached ' +
    'policy upgrades http://bank.lab/ before any request: the stripping proxy sees only TLS it cannot read.',
  references: [...REFERENCES, 'RFC 6797 §8.1 (noting an HSTS host)'],
  tags: ['http', 'sslstrip', 'hsts'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startStripping(context, upstream, { stripUpgradeHeaders: true, honestVisits: 1 }) },
  clientPolicy: () => ({ ...START, visits: 2 }),
  expect: { verdict: 'reject', step: 'HSTS', code: 'HSTS_PLAINTEXT_REFUSED' },
})

export const sslstripHeaderStripped = defineScenario({
  id: 'sslstrip-hsts-header-stripped',
  title: 'sslstrip that also strips the HSTS header, over two visits',
  explanation:
    'The attacker is there from the first visit and removes Strict-Transport-Security (and HPKP, Alt-Svc) from ' +
    'everything it relays, as SSLsplit and bettercap\'s hstshijack do. The victim never holds an HSTS policy, so the ' +
    'second visit is stripped too and the login leaks again. HSTS only helps once it was cached over a clean ' +
    'HTTPS visit, or preloaded. (A compliant client would ignore an HSTS header seen over plain HTTP anyway, ' +
    'RFC 6797 §8.1: stripping it guards against clients that do not.)',
  references: [...REFERENCES, 'SSLsplit (removes HSTS/HPKP/Alt-Svc)', 'bettercap hstshijack'],
  tags: ['http', 'sslstrip', 'hsts', 'weakness'],
  kind: 'attack',
  topology: { kind: 'custom', start: (context, upstream) => startStripping(context, upstream, { stripUpgradeHeaders: true, honestVisits: 0 }) },
  clientPolicy: () => ({ ...START, visits: 2 }),
  expect: { verdict: 'accept', step: null },
})

export const sslstripScenarios: Scenario[] = [httpFirstNoAttacker, sslstripFirstVisit, sslstripPreloaded, sslstripAfterCleanVisit, sslstripHeaderStripped]
