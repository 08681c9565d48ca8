import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { LabError } from '../errors.js'
import { projectPath } from '../util/project-paths.js'

const MIGRATIONS_DIR = projectPath('server', 'store', 'migrations')

interface Migration {
  version: number
  name: string
  sql: string
}

/** Every `NNN-name.sql` in migrations/, in order. The schema version is the highest applied. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}-[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 3)), name: file, sql: readFileSync(join(dir, file), 'utf8') }))
}

/** The newest schema this build knows. */
export const CURRENT_SCHEMA_VERSION = Math.max(...loadMigrations().map((m) => m.version))

export interface OpenDatabaseOptions {
  /**
   * Open for reading only (report, diff, capture, a replay-only dashboard):
   * needs read access alone, creates nothing, migrates nothing.
   */
  readonly?: boolean
}

/**
 * Opens (creating if needed) the lab's SQLite file in WAL mode, so the
 * dashboard can read while a run writes, and applies pending migrations.
 * Refuses a file written by a newer mitmlab instead of guessing at its schema.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  if (options.readonly === true) return openForReading(file)
  const dir = dirname(file)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    accessSync(dir, constants.W_OK)
  } catch (cause) {
    throw new LabError('DATA_DIR_NOT_WRITABLE', `The data directory ${dir} is not writable: ${(cause as Error).message}`, { cause })
  }
  let opened: Database.Database | undefined
  try {
    keepPrivate(file)
    opened = new Database(file)
    opened.pragma('journal_mode = WAL')
    // NORMAL is durable across process kills in WAL mode (only a power loss can drop the last commits).
    opened.pragma('synchronous = NORMAL')
    opened.pragma('foreign_keys = ON')
    opened.pragma('busy_timeout = 5000')
  } catch (cause) {
    opened?.close()
    throw storeError(cause, file)
  }
  const db = opened
  try {
    migrate(db, file)
  } catch (error) {
    // A refused or failed migration must not leave the file open (the dashboard process lives on).
    db.close()
    // Reading the schema version is the first read of a page: a damaged store fails here.
    throw error instanceof LabError ? error : storeError(error, file)
  }
  return db
}

/**
 * The store holds every run's TLS key log (the secrets that decrypt its
 * captures; `capture` writes them 0600 too): it is created 0600, and SQLite
 * gives its -wal and -shm the database file's mode (os_unix.c
 * findCreateFileMode, robust_open). A store that is group- or
 * world-readable (made by an older mitmlab, or copied) is made private again
 * when this user owns it.
 */
function keepPrivate(file: string): void {
  if (process.platform === 'win32') return
  try {
    closeSync(openSync(file, 'wx', 0o600))
    return
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    } catch {
      // Missing, or another user's: reading it is still allowed, and not ours to change.
    }
  }
}

/**
 * A read-only connection. SQLite reads a WAL-mode file through its -shm
 * index, which it must be able to create next to the file
 * (https://sqlite.org/wal.html#readonly): in a directory this process cannot
 * write, with no -shm left behind, the file is read into memory instead (as
 * a rollback-journal database: header bytes 18-19, https://sqlite.org/fileformat2.html#database_header).
 * An older schema is read as it is: reads do not depend on later migrations.
 */
function openForReading(file: string): Database.Database {
  if (!existsSync(file)) throw new LabError('API_INVALID_INPUT', `There is no store at ${file} yet; run \`mitmlab run\` first`)
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    checkReadableSchema(db, file)
    return db
  } catch (cause) {
    db?.close()
    if (cause instanceof LabError) throw cause
    if (!needsWritableDirectory(cause)) throw storeError(cause, file)
  }
  return openCopyInMemory(file)
}

/** What SQLite says when it cannot create the -shm index beside a WAL file. */
function needsWritableDirectory(cause: unknown): boolean {
  const code = (cause as { code?: string }).code ?? ''
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT'
}

/** Beyond this, reading through memory is refused with advice instead. */
const MAX_IN_MEMORY_BYTES = 1024 * 1_048_576

function openCopyInMemory(file: string): Database.Database {
  let bytes: Buffer
  try {
    const { size } = statSync(file)
    if (size > MAX_IN_MEMORY_BYTES) {
      throw new LabError(
        'DATA_DIR_NOT_WRITABLE',
        `${file} is in a directory this user cannot write, and at ${Math.round(size / 1_048_576)} MiB too large to read through memory: copy it to a writable directory (or make its directory writable) and use --data-dir`,
      )
    }
    bytes = readFileSync(file)
  } catch (cause) {
    if (cause instanceof LabError) throw cause
    throw new LabError('DATA_DIR_NOT_WRITABLE', `Cannot read ${file}: ${(cause as Error).message}`, { cause })
  }
  // File format 2 (WAL) in both version bytes; 1 is the rollback journal an in-memory database can read.
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20)
  let db: Database.Database | undefined
  try {
    db = new Database(bytes, { readonly: true })
    checkReadableSchema(db, file)
    return db
  } catch (cause) {
    db?.close()
    if (cause instanceof LabError) throw cause
    throw storeError(cause, file)
  }
}

/** The schema must exist and be one this build understands. Also the first read: a damaged header fails here. */
function checkReadableSchema(db: Database.Database, file: string): void {
  const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined
  if (!hasRuns) throw new LabError('API_INVALID_INPUT', `The store ${file} holds no run yet; run \`mitmlab run\` first`)
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }
  refuseNewerSchema(row.version ?? 0, file)
}

function refuseNewerSchema(applied: number, file: string): void {
  if (applied > CURRENT_SCHEMA_VERSION) {
    throw new LabError(
      'STORE_SCHEMA_NEWER',
      `${file} has schema version ${applied}, newer than this mitmlab understands (${CURRENT_SCHEMA_VERSION}); upgrade mitmlab or use another --data-dir`,
    )
  }
}

function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }
  const applied = row.version ?? 0
  refuseNewerSchema(applied, file)
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const migration of loadMigrations()) {
    if (migration.version <= applied) continue
    try {
      db.transaction(() => {
        db.exec(migration.sql)
        record.run(migration.version, migration.name, new Date().toISOString())
      })()
    } catch (cause) {
      throw storeError(cause, file)
    }
  }
}

/** better-sqlite3's SqliteError: its `code` is SQLite's (SQLITE_CORRUPT, SQLITE_FULL, ...). */
export function isSqliteError(cause: unknown): boolean {
  return cause instanceof Database.SqliteError
}

/** SQLite's error codes turned into ours, naming the file. */
export function storeError(cause: unknown, file: string): LabError {
  const code = (cause as { code?: string }).code ?? ''
  const message = (cause as Error).message
  if (code === 'SQLITE_FULL') return new LabError('DATA_DIR_FULL', `The disk holding ${file} is full`, { cause })
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new LabError(
      'STORE_FAILED',
      `The store ${file} is damaged (${message}): move it aside (the next run starts a new one), or try \`sqlite3 ${file} .recover\` to rescue what is readable`,
      { cause },
    )
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new LabError('DATA_DIR_NOT_WRITABLE', `Cannot write ${file}: ${message}`, { cause })
  }
  return new LabError('STORE_FAILED', `The store ${file} failed: ${message}`, { cause })
}
