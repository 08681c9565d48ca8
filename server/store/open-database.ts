import { accessSync, constants, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { LabError } from '../errors.js'

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

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

/**
 * Opens (creating if needed) the lab's SQLite file in WAL mode, so the
 * dashboard can read while a run writes, and applies pending migrations.
 * Refuses a file written by a newer mitmlab instead of guessing at its schema.
 */
export function openDatabase(file: string): Database.Database {
  const dir = dirname(file)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    accessSync(dir, constants.W_OK)
  } catch (cause) {
    throw new LabError('DATA_DIR_NOT_WRITABLE', `The data directory ${dir} is not writable: ${(cause as Error).message}`, { cause })
  }
  let opened: Database.Database | undefined
  try {
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
    throw error
  }
  return db
}

function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }
  const applied = row.version ?? 0
  if (applied > CURRENT_SCHEMA_VERSION) {
    throw new LabError(
      'STORE_SCHEMA_NEWER',
      `${file} has schema version ${applied}, newer than this mitmlab understands (${CURRENT_SCHEMA_VERSION}); upgrade mitmlab or use another --data-dir`,
    )
  }
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
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new LabError('DATA_DIR_NOT_WRITABLE', `Cannot write ${file}: ${message}`, { cause })
  }
  return new LabError('STORE_FAILED', `The store ${file} failed: ${message}`, { cause })
}
