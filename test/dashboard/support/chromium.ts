import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's chromium (`apt-get install -y chromium`); playwright never downloads a browser here. */
export const CHROMIUM_PATH = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM_PATH)
export const NO_CHROMIUM_REASON = `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}
