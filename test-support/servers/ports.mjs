// Free loopback ports for test and bench servers, for a server whose port must be known before it starts
// (`--port`). Plain JavaScript so the tests (vitest) and bench/ (plain node) share it.
//
// The port is drawn at random BELOW the kernel's ephemeral range and checked by binding it: a port the
// kernel handed out (listen(0)) and we released could be handed out again to another test's server before
// ours binds it, and a test would then talk to a stranger (seen: a demo test reading a fleet robot's faults).
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/** The lowest ephemeral port (Linux: net.ipv4.ip_local_port_range), 32768 when it cannot be read. */
function ephemeralLow() {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const LOW = 10_000;
const HIGH = ephemeralLow() - 1;

/** @param {number} port @returns {Promise<boolean>} */
function bindable(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that is free now and outside the range the kernel hands out. @returns {Promise<number>} */
export async function freePort() {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${LOW}..${HIGH} after 200 tries`);
}

/** Resolves once something accepts TCP on the port, or rejects after `timeoutMs`. */
export async function waitForPort(port, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const c = connect({ host: '127.0.0.1', port }, () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
