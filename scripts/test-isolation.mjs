// Which test files may share a worker process (vitest.config.ts). Vitest starts a fresh process for every test file
// by default and imports its module graph again: over the whole suite that import time was a sixth of the workers'
// time (483 s of 3,180 in a quiet CI-like run, 2026-11-27), mostly the same sources imported again. Files that only
// call functions and read what they return lose nothing by sharing a process, so they run in one project with
// isolation off; every file that could leave something behind for the next one keeps its own process.
//
// A file shares a worker unless its source shows one of the marks below. The list errs towards isolation: a file
// left isolated costs a second of import time, a file wrongly shared can fail another file's test.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Marks of a test file that must keep a process of its own, each with the reason. */
export const NEEDS_OWN_PROCESS = [
  // Child processes, sockets, servers and ROS domains: handles that outlive a test, ports, peers.
  { mark: /node:(child_process|net|dgram|http|https|tls|worker_threads|cluster)\b|\bundici\b/, why: 'processes or sockets' },
  { mark: /\b(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)\(|createServer|\.listen\(|createParticipant|createSocket/, why: 'processes or sockets' },
  { mark: /\bfetch\(|\.inject\(|startGateway|buildGateway|testDomain|[Pp]eer\b|[Pp]eers?\//, why: 'a gateway or a ROS peer' },
  // External programs (openssl, DDS peers, databases, a browser): describeWith names what the file needs.
  { mark: /describeWith\(|chromium|playwright|sqlite|Database\b/, why: 'an external program or a database' },
  // Process-wide state: module mocks, the environment, timers, process handlers, globals.
  { mark: /vi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers)\b|useFakeTimers/, why: 'mocks, fake timers or stubbed globals' },
  { mark: /process\.(on|once|chdir|exit)\(|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|globalThis\./, why: 'process-wide state' },
  // Files on disk: temporary folders are cleaned in hooks that a crash in the previous file could skip.
  { mark: /mkdtemp|tmpdir/, why: 'temporary files' },
];

/** Whether the test file with this source may share a worker process with others; the reason when it may not. */
export function ownProcessReason(source) {
  return NEEDS_OWN_PROCESS.find((n) => n.mark.test(source))?.why;
}

/** Every test file of the suite (packages/<name>/test/** and test/**), repository-relative, under the root URL `rootUrl`. */
function suiteFiles(rootUrl) {
  const root = fileURLToPath(rootUrl);
  const under = (dir) =>
    readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.test.ts') && !e.parentPath.includes('node_modules'))
      .map((e) => relative(root, join(e.parentPath, e.name)));
  const packageTests = readdirSync(join(root, 'packages')).flatMap((p) => {
    try {
      return under(`packages/${p}/test`);
    } catch {
      return []; // a package without tests
    }
  });
  return [...packageTests, ...under('test')];
}

/**
 * The suite's test files split into those that may share a worker (`shared`) and the others (`isolated`), each a list
 * of its own: a vitest project's `exclude` would replace the command line's `--exclude`, by which scripts/test.mjs
 * leaves the files that run alone out of its first pass.
 */
export function testFilesByIsolation(rootUrl) {
  const shared = [];
  const isolated = [];
  for (const f of suiteFiles(rootUrl)) (ownProcessReason(readFileSync(new URL(f, rootUrl), 'utf8')) === undefined ? shared : isolated).push(f);
  return { shared, isolated };
}
