import { spawn, spawnSync, type ChildProcess } from 'node:child_process'

export type LoopbackCapture = { isRunning: true; file: string; stop(): Promise<void> } | { isRunning: false; reason: string }

/** dumpcap prints this on stderr once packets are being written. */
const READY = /Capturing on/
const CAPTURE_SETTLE_MS = 500
const CAPTURE_DRAIN_MS = 500

/**
 * Captures the lab's loopback TCP traffic (both legs: victim↔proxy and
 * proxy↔genuine) to a pcapng file with Wireshark's dumpcap, when it is
 * installed. Not installed, or not allowed to capture: a value saying why,
 * never an error — captures are optional.
 */
export async function startLoopbackCapture(file: string, timeoutMs = 5_000): Promise<LoopbackCapture> {
  if (spawnSync('dumpcap', ['--version']).error !== undefined) {
    return { isRunning: false, reason: 'dumpcap is not installed (Debian: apt-get install tshark)' }
  }
  const child = spawn('dumpcap', ['-i', 'lo', '-f', 'tcp and host 127.0.0.1', '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] })
  const started = await new Promise<string | null>((resolve) => {
    let stderr = ''
    const timer = setTimeout(() => resolve(`dumpcap did not start within ${timeoutMs} ms: ${stderr.trim()}`), timeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (READY.test(stderr)) {
        clearTimeout(timer)
        resolve(null)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(`dumpcap exited with ${String(code)}: ${stderr.trim()}`)
    })
  })
  if (started !== null) {
    child.kill('SIGKILL')
    return { isRunning: false, reason: started }
  }
  // "Capturing on" comes as the capture opens; give the kernel filter a moment before the lab starts.
  await new Promise((resolve) => setTimeout(resolve, CAPTURE_SETTLE_MS))
  return { isRunning: true, file, stop: () => stopCapture(child) }
}

async function stopCapture(child: ChildProcess): Promise<void> {
  // libpcap hands packets to dumpcap in batches (a buffer timeout); an immediate SIGINT can end
  // the capture before the last batch, measured as an empty file about one time in four.
  await new Promise((resolve) => setTimeout(resolve, CAPTURE_DRAIN_MS))
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    // SIGINT lets dumpcap flush and close the file properly.
    child.kill('SIGINT')
  })
}
