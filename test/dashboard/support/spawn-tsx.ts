import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx')

/** Runs a support script with tsx in a child process (a real Node environment) and returns its stdout; bounded in time. */
export function runTsx(script: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(TSX, [script, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${script} failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** Starts a long-running support script and resolves with the first stdout line matching `ready`; bounded in time. */
export function startTsx(script: string, ready: RegExp, timeoutMs = 30_000): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${script} was not ready within ${timeoutMs} ms`))
    }, timeoutMs)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = output.match(ready)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ child, match })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited with ${code ?? 'a signal'} before it was ready`))
    })
  })
}
