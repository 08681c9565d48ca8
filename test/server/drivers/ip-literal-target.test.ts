import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../../ca/index.js'
import type { ClientDriver, DriverTarget } from '../../../server/drivers/client-driver.js'
import { startConnectTunnel, type ConnectTunnel } from '../../../server/drivers/connect-tunnel.js'
import { curlDriver } from '../../../server/drivers/curl-driver.js'
import { createNodeHttpsDriver } from '../../../server/drivers/node-https-driver.js'
import { opensslDriver } from '../../../server/drivers/openssl-driver.js'
import { createPythonDriver } from '../../../server/drivers/python-driver.js'
import { VICTIM_CREDENTIALS } from '../../../server/genuine/bank-site.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import { testPki } from '../../support/lab-pki.js'

// The genuine leaf names 127.0.0.1 and ::1 as iPAddress SANs; 10.0.0.1 it does not. Every connection still goes to 127.0.0.1.
const DRIVERS: ClientDriver[] = [
  createNodeHttpsDriver({ insecure: false }),
  curlDriver,
  opensslDriver,
  createPythonDriver('urllib'),
]

describe('a victim that asks for an IP address instead of bank.lab', () => {
  let genuine: GenuineServer
  let tunnel: ConnectTunnel
  let dir: string
  const target = (host: string): DriverTarget => ({
    host,
    connectTo: { host: genuine.host, port: genuine.port },
    tunnel: { host: tunnel.host, port: tunnel.port },
    caFile: join(dir, 'roots.pem'),
    credentials: VICTIM_CREDENTIALS,
    timeoutMs: 10_000,
  })

  beforeAll(async () => {
    const pki = testPki()
    genuine = await startGenuineServer({
      certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
      privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
    })
    tunnel = await startConnectTunnel({ host: genuine.host, port: genuine.port })
    dir = mkdtempSync(join(tmpdir(), 'mitmlab-ip-target-'))
    writeFileSync(join(dir, 'roots.pem'), pki.trustedRoot.pem)
  })
  afterAll(async () => {
    await Promise.all([tunnel.close(), genuine.close()])
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(DRIVERS.map((driver) => [driver.id, driver] as const))(
    '%s accepts 127.0.0.1 through its iPAddress SAN',
    async (_id, driver) => {
      expect(await driver.run(target('127.0.0.1'))).toMatchObject({ verdict: 'accept', rawError: null })
    },
  )

  it.each(DRIVERS.map((driver) => [driver.id, driver] as const))(
    '%s rejects 10.0.0.1 as HOST',
    async (_id, driver) => {
      expect(await driver.run(target('10.0.0.1'))).toMatchObject({
        verdict: 'reject',
        step: 'HOST',
        isMapped: true,
      })
    },
  )
})
