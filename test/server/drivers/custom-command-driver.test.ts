import { describe, expect, it } from 'vitest'
import type { DriverTarget } from '../../../server/drivers/client-driver.js'
import {
  createCustomCommandDriver,
  expandPlaceholders,
} from '../../../server/drivers/custom-command-driver.js'

// No server is contacted: these commands only show what they were given.
const target: DriverTarget = {
  host: 'bank.lab',
  connectTo: { host: '127.0.0.1', port: 40443 },
  tunnel: { host: '127.0.0.1', port: 40080 },
  caFile: "/tmp/it's here/victim-roots.pem",
  credentials: { username: 'alice', password: 'correct-horse-battery-staple' },
  timeoutMs: 5_000,
}

describe('custom --client command', () => {
  it('expands every placeholder, shell-quoting values that need it, and leaves unknown ones alone', () => {
    expect(
      expandPlaceholders(
        'app {url} {host}:{port} --sni {server_name} --ca {ca_file} -x {proxy} {other}',
        target,
      ),
    ).toBe(
      `app https://bank.lab/login 127.0.0.1:40443 --sni bank.lab --ca '/tmp/it'\\''s here/victim-roots.pem' -x http://127.0.0.1:40080 {other}`,
    )
  })

  it('counts exit status 0 as accepted and keeps what it printed', async () => {
    const outcome = await createCustomCommandDriver('echo "$https_proxy" {ca_file}').run(target)
    expect(outcome).toEqual({
      verdict: 'accept',
      rawError: null,
      exitCode: 0,
      step: null,
      isMapped: false,
      output: "http://127.0.0.1:40080 /tmp/it's here/victim-roots.pem",
    })
  })

  it('counts any other exit status as rejected, unmapped, with the exit code and last words verbatim', async () => {
    const outcome = await createCustomCommandDriver('echo "certificate verify failed" >&2; exit 7').run(
      target,
    )
    expect(outcome).toEqual({
      verdict: 'reject',
      rawError: 'exit 7: certificate verify failed',
      exitCode: 7,
      step: null,
      isMapped: false,
      output: 'certificate verify failed',
    })
  })
})
