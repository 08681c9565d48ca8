import { describe, expect, it } from 'vitest'
import {
  BUILT_IN_DRIVERS,
  DEFAULT_CLIENT_IDS,
  selectClients,
} from '../../../server/drivers/driver-registry.js'
import { ConfigError } from '../../../server/errors.js'

const idsOf = (selection: { drivers: { id: string }[]; skipped: { id: string }[] }): string[] =>
  [...selection.drivers.map((driver) => driver.id), ...selection.skipped.map((skipped) => skipped.id)].sort()

describe('selectClients', () => {
  it('runs no real client when neither --clients nor --client is given', async () => {
    expect(idsOf(await selectClients(undefined))).toEqual([])
  })

  it('takes the default set for a bare --clients: every CLI client, not chromium nor node-insecure', async () => {
    expect(idsOf(await selectClients(true))).toEqual([...DEFAULT_CLIENT_IDS].sort())
  }, 180_000)

  it('puts nss-tstclnt in the default set and leaves both browsers to --clients all', () => {
    expect(DEFAULT_CLIENT_IDS).toContain('nss-tstclnt')
    expect(DEFAULT_CLIENT_IDS).not.toContain('firefox-esr')
    expect(DEFAULT_CLIENT_IDS).not.toContain('chromium')
    expect(BUILT_IN_DRIVERS.map((driver) => driver.id)).toEqual(expect.arrayContaining(['firefox-esr', 'nss-tstclnt']))
  })

  it('understands the aliases firefox, nss and tstclnt', async () => {
    expect(idsOf(await selectClients('firefox,nss'))).toEqual(['firefox-esr', 'nss-tstclnt'])
    expect(idsOf(await selectClients('tstclnt'))).toEqual(['nss-tstclnt'])
  })

  // availability() of go and java compiles their client on a machine that has not built it yet (once per source hash).
  it('takes every built-in client for --clients all', async () => {
    expect(idsOf(await selectClients('all'))).toEqual(BUILT_IN_DRIVERS.map((driver) => driver.id).sort())
  }, 180_000)

  it('understands the aliases node and python, and appends --client commands as custom-N', async () => {
    const selection = await selectClients('node,python', ['true', 'false'])
    expect(idsOf(selection)).toEqual([
      'custom-1',
      'custom-2',
      'node-https',
      'python-requests',
      'python-urllib',
    ])
  })

  it('rejects an unknown client name before anything runs', async () => {
    await expect(selectClients('node-https,lynx')).rejects.toThrow(ConfigError)
    await expect(selectClients('lynx')).rejects.toThrow(/Unknown client\(s\) lynx/)
  })

  it('reports a missing program as skipped with its reason, not as a failure', async () => {
    const path = process.env['PATH']
    process.env['PATH'] = '/nonexistent'
    try {
      const selection = await selectClients('curl,node-https')
      expect(selection.drivers.map((driver) => driver.id)).toEqual(['node-https'])
      expect(selection.skipped).toEqual([
        { id: 'curl', reason: expect.stringMatching(/^curl is not installed/) as unknown as string },
      ])
    } finally {
      process.env['PATH'] = path
    }
  })
})
