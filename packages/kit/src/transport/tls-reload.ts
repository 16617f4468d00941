// Certificate rotation without a restart: re-reads `server.tls.*` files and swaps the server's secure context
// (new handshakes use it; open connections keep theirs). Invalid new files leave the old context in place.
import type { Server as TlsServer } from 'node:tls';
import { loadTlsMaterial, secureContextOptions, type TlsSettings } from './tls-settings.js';

export type TlsReloadResult = { ok: true; message: string } | { ok: false; message: string };

/** Reloads the certificate, key and CA files into `server`; never throws. */
export function reloadServerTls(server: Pick<TlsServer, 'setSecureContext'>, settings: TlsSettings): TlsReloadResult {
  try {
    const material = loadTlsMaterial(settings);
    server.setSecureContext(secureContextOptions(settings, material));
    return { ok: true, message: `TLS certificate reloaded from ${settings.certFile}` };
  } catch (err) {
    return { ok: false, message: `TLS reload failed, keeping the previous certificate: ${(err as Error).message}` };
  }
}
