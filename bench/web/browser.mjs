// The bench's chromium (Debian's, driven by playwright-core), launched as an engineer's browser runs.
//
// Chromium asks the kernel for a raised priority (nice -8) for its browser, GPU and compositor threads. An
// engineer's browser runs as a user without CAP_SYS_NICE, where that request fails and every thread stays at nice 0.
// The bench runs as root on this rig, where the request succeeds: chromium's threads then weigh about six times a
// gateway's on the two cores they share (the CFS/EEVDF weights of nice -8 and 0), and the gateways wait for a CPU
// while the page loads (docs/benchmarks.md, "Incident view: who has the CPU while the page loads"). So by default
// chromium runs without CAP_SYS_NICE (setpriv drops it from its bounding and inheritable sets); `raised: true` keeps
// root's behaviour, to compare.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { commandOf, cpuShare, descendants } from './cpu-share.mjs';

const CHROMIUM = '/usr/bin/chromium';

/** Whether this process may raise a thread's priority (root, or CAP_SYS_NICE), so chromium would. */
function mayRaisePriority() {
  if (process.getuid?.() === 0) return true;
  const caps = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return caps !== undefined && (BigInt(`0x${caps}`) & (1n << 23n)) !== 0n; // CAP_SYS_NICE is bit 23
}

/** A script that runs chromium without CAP_SYS_NICE, written once per process. */
let wrapper;
function chromiumWithoutSysNice() {
  if (wrapper) return wrapper;
  if (!existsSync('/usr/bin/setpriv')) throw new Error('setpriv (util-linux) is needed to run chromium without CAP_SYS_NICE; pass --browser-priority=raised to run it as is');
  const path = join(mkdtempSync(join(tmpdir(), 'medkit-bench-chromium-')), 'chromium');
  writeFileSync(path, `#!/bin/sh\nexec /usr/bin/setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice ${CHROMIUM} "$@"\n`);
  chmodSync(path, 0o755);
  process.once('exit', () => rmSync(dirname(path), { recursive: true, force: true }));
  wrapper = path;
  return wrapper;
}

/**
 * Launches the bench's chromium (headless, no GPU). `raised`: let chromium raise its threads' priority where this
 * process may (the old behaviour as root); otherwise it runs at the priority an unprivileged user's browser gets.
 * @param {{ raised?: boolean }} [opts]
 */
export function launchBrowser(opts = {}) {
  const executablePath = !opts.raised && mayRaisePriority() ? chromiumWithoutSysNice() : CHROMIUM;
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
}

/**
 * Chromium's threads now running above nice 0, as `pid/tid name nice` strings: empty when none is raised. The bench
 * prints it so a run says which browser it measured.
 */
export function raisedChromiumThreads() {
  const out = execFileSync('ps', ['-eLo', 'pid=,tid=,ni=,comm=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && f.slice(4).join(' ').includes('/chromium') && Number(f[2]) < 0)
    .map((f) => `${f[0]}/${f[1]} ${f[3]} ${f[2]}`);
}

const VIEWPORT = { width: 1280, height: 900 };
/** Chromium's processes (this process's chromium descendants). */
export const chromiumPids = () => descendants(process.pid).filter((p) => /chrom/.test(commandOf(p)));

/**
 * Waits until chromium's processes together use under `quietMs` of CPU per 100 ms for three samples in a row
 * (at most `maxMs`): a new window's own start-up has ended.
 * @param {{ quietMs?: number, maxMs?: number }} [opts]
 */
export async function browserSettled(opts = {}) {
  const quiet = opts.quietMs ?? 10;
  const deadline = Date.now() + (opts.maxMs ?? 10_000);
  for (let calm = 0; calm < 3 && Date.now() < deadline; ) {
    const share = cpuShare({ chromium: chromiumPids });
    await new Promise((r) => setTimeout(r, 100));
    calm = share.end().chromium.cpuMs < quiet ? calm + 1 : 0;
  }
}

/**
 * A new tab in an open browser window, as a link opened from an engineer's running browser gets, with `close()`
 * closing the tab, its window and (when made here) the profile. A new window costs chromium about 1 s of CPU over
 * its first 0.7 s on this rig (its toolbar's web UIs, the omnibox popup among them, load in a renderer of their
 * own): opening the page as the window's first tab measured that start-up with the page (docs/benchmarks.md). So
 * the window is opened first, chromium's start-up of it waited out, then the tab opened. `context` is a browser
 * profile to open it in (one that has used the UI before); without it, a new profile. `newWindow`: the page is a new
 * window's first tab, its start-up measured with it (what the bench measured before 2026-11-30 17:00).
 * @param {import('playwright-core').Browser} browser
 * @param {import('playwright-core').BrowserContext} [context]
 * @param {{ newWindow?: boolean }} [opts]
 */
export async function openTab(browser, context, opts = {}) {
  const profile = context ?? (await browser.newContext({ viewport: VIEWPORT }));
  const window = await profile.newPage();
  let page = window;
  if (!opts.newWindow) {
    await browserSettled();
    page = await profile.newPage();
  }
  return {
    page,
    async close() {
      if (page !== window) await page.close();
      await window.close();
      if (!context) await profile.close();
    },
  };
}
