#!/usr/bin/env node
// The `mitmlab` command. It runs the JavaScript that `npm install` compiled into dist/ (the
// `prepare` script): a start costs what loading the one command it runs costs. When a source file
// is newer than that build (a developer editing the TypeScript) or there is no build, it runs the
// sources through tsx instead, so what runs is always what is in the tree.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { enableCompileCache } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// Node 24 LTS is the minimum: OpenSSL 3.5 (X25519MLKEM768 key exchange, ML-DSA certificates), and
// Node 20 and OpenSSL 3.0 are out of security support. Said plainly, before anything else loads.
const MINIMUM_NODE_MAJOR = 24
const major = Number(process.versions.node.split('.')[0])
if (!(major >= MINIMUM_NODE_MAJOR)) {
  process.stderr.write(
    `mitmlab: Node.js ${MINIMUM_NODE_MAJOR} or newer is required; this is Node.js ${process.versions.node} ` +
      `(${process.execPath}). Install Node ${MINIMUM_NODE_MAJOR}+, or run: eval "$(bash scripts/ensure-node.sh)"\n`,
  )
  process.exit(2)
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const built = join(root, 'dist', 'server', 'cli', 'main.js')
const stamp = join(root, 'dist', '.built')

/** The newest mtime of a source file the build compiles or copies (ms); stops early once newer than `than`. */
function newestSource(than) {
  for (const top of ['ca', 'server', 'scenarios']) {
    for (const entry of readdirSync(join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|json)$/.test(entry.name)) continue
      if (statSync(join(entry.parentPath, entry.name)).mtimeMs > than) return true
    }
  }
  return false
}

const useBuild =
  process.env.MITMLAB_FROM_SOURCE !== '1' && existsSync(built) && existsSync(stamp) && !newestSource(statSync(stamp).mtimeMs)

const helpText = join(root, 'dist', 'help.txt')
const asksTopLevelHelp = process.argv.length === 3 && ['--help', '-h', 'help'].includes(process.argv[2] ?? '')

if (useBuild && asksTopLevelHelp && existsSync(helpText)) {
  // Rendered by the same build from every command's definition (scripts/build.mjs).
  process.stdout.write(readFileSync(helpText, 'utf8'))
} else if (useBuild) {
  // V8's code cache on disk (Node >= 22.1): a start after the first skips compiling the modules again.
  enableCompileCache()
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'server', 'cli', 'main.ts')).href)
}
