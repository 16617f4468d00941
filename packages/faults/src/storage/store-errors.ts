// Which thrown errors mean "the store cannot do this now" (an outage: 503, refused report) rather than a bug.
import type { FaultStoreProblem } from './store-status.js';

/** SQLite result codes (better-sqlite3's `SqliteError.code`, extended codes included) → problem. */
function sqliteProblem(code: string): FaultStoreProblem | undefined {
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_IOERR')) return 'io-error';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'file-missing';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  return undefined;
}

/** Node system errors (fs, sockets) → problem. */
function systemProblem(code: string): FaultStoreProblem | undefined {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EIO') return 'io-error';
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return 'file-missing';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'read-only';
  if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  return undefined;
}

/** PostgreSQL SQLSTATE classes that are the server's state, not our statement: 08 connection, 53 resources, 57 operator intervention. */
function pgProblem(sqlstate: string): FaultStoreProblem | undefined {
  if (sqlstate === '57014') return 'timeout';
  if (sqlstate.startsWith('08') || sqlstate.startsWith('57')) return 'unreachable';
  if (sqlstate === '53100') return 'disk-full';
  if (sqlstate.startsWith('53')) return 'busy';
  if (sqlstate === '25006') return 'read-only';
  return undefined;
}

const PG_GONE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|not queryable/i;

/**
 * The outage an error shows, or undefined for an error that is not the store's (a bug: rethrown as it is).
 * `remote`: errors of a networked backend, where an SQLSTATE or a connection message counts too.
 */
export function storeProblemOf(err: unknown, remote = false): FaultStoreProblem | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) return sqliteProblem(code);
    const sys = systemProblem(code);
    if (sys) return sys;
    if (remote && /^[0-9A-Z]{5}$/.test(code)) return pgProblem(code) ?? 'error';
  }
  if (remote && PG_GONE.test(err.message)) return /timeout/i.test(err.message) ? 'timeout' : 'unreachable';
  return undefined;
}
