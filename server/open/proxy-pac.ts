import { OPEN_LAB_DOMAIN } from './lab-names.js'

/**
 * The proxy auto-config file (the Netscape PAC format every browser and OS
 * reads): only `bank.lab` and its sub-names go to the lab's proxy, everything
 * else DIRECT, so installing it changes nothing for real sites. `proxy` is
 * `host:port` as the visitor reaches the lab.
 */
export function proxyPac(proxy: string): string {
  const domain = JSON.stringify(OPEN_LAB_DOMAIN)
  const subDomain = JSON.stringify(`.${OPEN_LAB_DOMAIN}`)
  return [
    'function FindProxyForURL(url, host) {',
    '  host = host.toLowerCase();',
    `  if (host === ${domain} || dnsDomainIs(host, ${subDomain})) return ${JSON.stringify(`PROXY ${proxy}`)};`,
    '  return "DIRECT";',
    '}',
    '',
  ].join('\n')
}
