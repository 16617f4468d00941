// What `medkit --version` reports beyond the version: the Node.js runtime running the command and whether its two
// native parts load on it (better-sqlite3's SQLite driver, which the store cannot do without, and @medkit/rtps's
// addon, without which RTPS runs in JavaScript: correct, slower). Each is loaded here only when asked.
import { openDatabase } from '@medkit/kit';

/** Lines of `medkit --version` after the first: the runtime, the SQLite driver, the RTPS addon. */
export async function nativePartsReport(): Promise<string[]> {
  const lines = [`runtime  Node.js ${process.version} ${process.platform}-${process.arch} (${process.execPath})`];
  try {
    const db = openDatabase(':memory:');
    const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    lines.push(`sqlite   better-sqlite3 driver loaded (SQLite ${v})`);
  } catch (err) {
    lines.push(`sqlite   better-sqlite3 driver NOT loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  const { aesGcmBackend, aesGcmAddonError } = await import('@medkit/rtps/security');
  lines.push(aesGcmBackend === 'addon' ? 'rtps     native addon loaded' : `rtps     native addon NOT loaded, JavaScript fallback (${aesGcmAddonError})`);
  return lines;
}
