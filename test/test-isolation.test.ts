// The split of the suite into files that share worker processes and files that keep their own
// (scripts/test-isolation.mjs, vitest.config.ts): every file is in exactly one project, and a file with any
// mark of state it could leave behind is never shared.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXCLUSIVE, NOT_IN_FIRST_PASS, WAITING } from '../scripts/exclusive-tests.mjs';
import { NEEDS_OWN_PROCESS, ownProcessReason } from '../scripts/test-isolation.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The .test.ts files under test/ and packages/<name>/test/. Only those folders are walked, and a folder removed
 * mid-walk is passed over: the tree changes while the suite runs (the background packager writes and removes
 * dist-packages/, the DDS peers build under packages/rtps/test/peers/build), and a folder gone mid-walk failed the
 * scan once.
 */
function testFilesOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return; // gone since its parent was read
    }
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules') walk(join(dir, e.name));
      else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(join(dir, e.name));
    }
  };
  walk('test');
  for (const p of readdirSync(join(root, 'packages'))) walk(join('packages', p, 'test'));
  return out.sort();
}

describe('test files sharing a worker process', () => {
  it('keeps a process of its own for each kind of mark', () => {
    const marked = [
      "import { spawn } from 'node:child_process';",
      'const s = dgram.createSocket("udp4");',
      'await fetch(`${g.url}/health`);',
      "describeWith(CYCLONE, 'peers', () => {});",
      "vi.mock('./x.js');",
      'process.env.MEDKIT_X = "1";',
      'const d = mkdtempSync(join(tmpdir(), "x"));',
    ];
    for (const source of marked) expect(ownProcessReason(source), source).toBeTypeOf('string');
    expect(new Set(marked.map(ownProcessReason)).size).toBeGreaterThanOrEqual(NEEDS_OWN_PROCESS.length - 2);
    expect(ownProcessReason("import { decode } from '../src/cdr.js';\nexpect(decode(b)).toEqual(1);")).toBeUndefined();
    // Reading the environment is not writing it.
    expect(ownProcessReason("if (process.env.CI === 'true') {}")).toBeUndefined();
  });

  /** `vitest list --filesOnly [args]`: [project, file] of each file the run would take. */
  const list = (args: string[] = []) =>
    execFileSync(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, 'list', '--filesOnly', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 })
      .trim()
      .split('\n')
      .map((l) => /^\[(\w+)\] (\S+)$/.exec(l.trim()))
      .filter((m) => m !== null);

  it('puts every test file in exactly one project, and none with a mark in the shared one', () => {
    const listed = list();
    const byFile = new Map<string, string[]>();
    for (const [, project, file] of listed) byFile.set(file, [...(byFile.get(file) ?? []), project]);
    expect([...byFile.values()].filter((p) => p.length !== 1)).toEqual([]);
    const onDisk = testFilesOnDisk();
    expect([...byFile.keys()].sort()).toEqual(onDisk);
    const shared = [...byFile].filter(([, p]) => p[0] === 'shared').map(([f]) => f);
    expect(shared.length).toBeGreaterThan(50);
    expect(byFile.get('test/test-isolation.test.ts')).toEqual(['isolated']);
    for (const f of shared) expect(ownProcessReason(readFileSync(`${root}${f}`, 'utf8')), f).toBeUndefined();
  }, 120_000);

  it("leaves the files that run alone and the waiting lane's out of the first pass (the runner's --exclude reaches both projects)", () => {
    const firstPass = list(NOT_IN_FIRST_PASS.map((f) => `--exclude=${f}`)).map(([, , file]) => file);
    expect(firstPass.length).toBeGreaterThan(100);
    expect(firstPass.filter((f) => EXCLUSIVE.includes(f) || WAITING.includes(f))).toEqual([]);
    // The lane's files are files of the suite, run once: neither alone nor twice.
    const onDisk = testFilesOnDisk();
    expect(WAITING.filter((f) => !onDisk.includes(f))).toEqual([]);
    expect(WAITING.filter((f) => EXCLUSIVE.includes(f))).toEqual([]);
    expect(new Set(WAITING).size).toBe(WAITING.length);
  }, 120_000);
});
