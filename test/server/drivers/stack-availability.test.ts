import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { botanDriver } from '../../../server/drivers/botan-driver.js'
import { gnutlsCliDriver } from '../../../server/drivers/gnutls-cli-driver.js'
import { goDriver } from '../../../server/drivers/go-driver.js'
import { javaDriver } from '../../../server/drivers/java-driver.js'

describe('go, java, gnutls-cli and botan on a machine without them', () => {
  let path: string | undefined
  beforeEach(() => {
    path = process.env['PATH']
    process.env['PATH'] = '/nonexistent'
  })
  afterEach(() => {
    process.env['PATH'] = path
  })

  it('are skipped with the missing program and the Debian package that brings it', async () => {
    const found = await Promise.all([goDriver, javaDriver, gnutlsCliDriver, botanDriver].map((driver) => driver.availability()))
    expect(found).toEqual([
      { isAvailable: false, reason: expect.stringMatching(/^go is not installed .*\(Debian package golang-go\)$/) as unknown as string },
      { isAvailable: false, reason: expect.stringMatching(/^java is not installed .*\(Debian package openjdk-17-jdk-headless\)$/) as unknown as string },
      { isAvailable: false, reason: expect.stringMatching(/^gnutls-cli is not installed .*\(Debian package gnutls-bin\)$/) as unknown as string },
      { isAvailable: false, reason: expect.stringMatching(/^botan is not installed .*\(Debian package botan\)$/) as unknown as string },
    ])
  })
})
