/**
 * Errors that are bugs or infrastructure faults. Expected outcomes (a rejected
 * certificate, a client that aborts the handshake) are values, never these.
 *
 * Shape after undici's errors: one base class with a stable machine `code`,
 * subclassed only across module boundaries.
 */
export type LabErrorCode =
  | 'CONFIG_INVALID'
  | 'CA_INVALID_PARAMS'
  | 'CA_STORE_CORRUPT'
  | 'CA_SIGNING_FAILED'
  | 'DATA_DIR_NOT_WRITABLE'
  | 'DATA_DIR_FULL'
  | 'STORE_SCHEMA_NEWER'
  | 'STORE_FAILED'
  | 'SCENARIO_INVALID'
  | 'SCENARIO_NOT_FOUND'
  | 'SCENARIO_FAILED'
  | 'SERVER_START_FAILED'
  | 'PROXY_START_FAILED'
  | 'CLIENT_FAILED'
  | 'RUN_CANCELLED'
  | 'API_INVALID_INPUT'
  | 'API_UNAUTHORIZED'
  | 'INTERNAL'

export class LabError extends Error {
  override readonly name: string = 'LabError'
  constructor(
    readonly code: LabErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Raised by `ca/` for impossible certificate parameters or an unreadable PKI directory. */
export class CaError extends LabError {
  override readonly name = 'CaError'
}

/** Raised for a scenario file or definition that cannot be run; the message names the file and field. */
export class ScenarioError extends LabError {
  override readonly name = 'ScenarioError'
}

/** Raised for bad configuration: ports, data directory, flags. */
export class ConfigError extends LabError {
  override readonly name = 'ConfigError'
}

export function isLabError(value: unknown): value is LabError {
  return value instanceof LabError
}
