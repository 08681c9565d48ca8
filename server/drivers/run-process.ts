import { spawn } from 'node:child_process'

/** Enough of what a client printed to see why it failed, bounded so a chatty client cannot fill memory. */
const MAX_CAPTURE = 256 * 1024

export interface ProcessResult {
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
  timedOut: boolean
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError: string | null
}

export interface RunProcessParams {
  command: string
  args: readonly string[]
  stdin?: string
  /**
   * Leave stdin open after writing `stdin` (closed when the program exits):
   * for clients that quit at end of input before the answer arrives
   * (gnutls-cli, botan tls_client send close_notify on EOF).
   */
  keepStdinOpen?: boolean
  env?: NodeJS.ProcessEnv
  timeoutMs: number
}

/** Runs a real client to completion: its exit status and both streams, killed (SIGKILL) past the timeout. */
export function runProcess(params: RunProcessParams): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(params.command, [...params.args], {
      env: params.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let captured = 0
    let timedOut = false
    let spawnError: string | null = null
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (captured >= MAX_CAPTURE) return
      into.push(chunk)
      captured += chunk.length
    }
    child.stdout.on('data', collect(stdout))
    child.stderr.on('data', collect(stderr))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, params.timeoutMs)
    child.on('error', (error) => {
      spawnError = error.message
    })
    child.stdin.on('error', () => undefined)
    if (params.keepStdinOpen === true) child.stdin.write(params.stdin ?? '')
    else child.stdin.end(params.stdin ?? '')
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolve({
        exitCode: code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        spawnError,
      })
    })
  })
}

/** The first line of `command args` output, for availability(): the version a result was measured with. */
export async function versionOf(
  command: string,
  args: readonly string[],
): Promise<{ version: string } | { reason: string }> {
  const result = await runProcess({ command, args, timeoutMs: 10_000 })
  if (result.spawnError !== null) return { reason: `${command} is not installed (${result.spawnError})` }
  if (result.exitCode !== 0)
    return {
      reason: `${command} ${args.join(' ')} exited ${String(result.exitCode)}: ${lastLines(result.stderr, 1)}`,
    }
  return { version: (result.stdout || result.stderr).split('\n')[0]?.trim() ?? command }
}

/** The tail a reader needs: the last `count` non-empty lines. */
export function lastLines(text: string, count = 12): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-count)
    .join('\n')
}
