// The test suite's ROS domain layout (test-support/domains.ts, domain-slots.mjs): every test file
// takes its domains from testDomain(offset), no two files share an offset, and concurrent runs take
// disjoint domain ranges.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN_SPAN, domainBase, testDomain } from '../test-support/domains.js';
import { MAX_BASE, MAX_DOMAIN, SLOT_BASES, tryAcquireDomainSlot } from '../test-support/domain-slots.mjs';
import { EXCLUSIVE, PAIRED } from '../scripts/exclusive-tests.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const saved = process.env.MEDKIT_TEST_DOMAIN_BASE;
afterEach(() => {
  if (saved === undefined) delete process.env.MEDKIT_TEST_DOMAIN_BASE;
  else process.env.MEDKIT_TEST_DOMAIN_BASE = saved;
});

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'build' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

describe('testDomain', () => {
  it('adds the run base to compact offsets; the offsets handed out for new tests (180..234) follow the suite', () => {
    process.env.MEDKIT_TEST_DOMAIN_BASE = '100';
    expect(testDomain(0)).toBe(100);
    expect(testDomain(59)).toBe(159);
    expect(testDomain(180)).toBe(160);
    expect(testDomain(227)).toBe(207);
    expect(testDomain(234)).toBe(214);
    expect(DOMAIN_SPAN).toBe(115);
  });

  it('rejects offsets outside the table and bases that would leave the valid domain ids', () => {
    for (const bad of [-1, 60, 179, 235, 1.5]) expect(() => testDomain(bad)).toThrow(/offset/);
    for (const bad of ['-1', 'x', '1.5', String(MAX_BASE + 1)]) {
      process.env.MEDKIT_TEST_DOMAIN_BASE = bad;
      expect(() => domainBase()).toThrow(/MEDKIT_TEST_DOMAIN_BASE/);
    }
    process.env.MEDKIT_TEST_DOMAIN_BASE = String(MAX_BASE);
    expect(testDomain(234)).toBe(MAX_DOMAIN);
  });

  it('every test file takes its ROS domains from testDomain, and no two files share an offset', () => {
    const owners = new Map<number, Set<string>>();
    // Files that run alone (scripts/exclusive-tests.mjs) never run beside another and may share a domain, except the
    // PAIRED ones with each other: they run two at a time.
    const together = (a: string, b: string) => !(EXCLUSIVE.includes(a) && EXCLUSIVE.includes(b)) || (PAIRED.includes(a) && PAIRED.includes(b));
    const fixed: string[] = [];
    for (const file of testFiles(join(ROOT, 'packages')).filter((f) => f.includes('/test/'))) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(ROOT, file);
      // A literal domain handed to something that joins a domain.
      if (/(const (DOMAIN|domain) = \d+;|'ros\.domain_id': \d+|create\(\{ domainId: \d+|Suite\('\w+', \d+)/.test(text)) fixed.push(rel);
      for (const m of text.matchAll(/testDomain\((\d+)\)/g)) {
        const offset = Number(m[1]);
        const users = owners.get(offset) ?? new Set<string>();
        const clash = [...users].find((owner) => owner !== rel && together(owner, rel));
        if (clash) throw new Error(`offset ${offset} is used by ${clash} and ${rel}`);
        owners.set(offset, users.add(rel));
      }
    }
    expect(fixed).toEqual([]);
    expect(owners.size).toBeGreaterThan(40);
  });
});

describe('domain slots for concurrent runs', () => {
  it('give concurrent runs disjoint ranges inside 0..230', () => {
    for (const base of SLOT_BASES) expect(base + DOMAIN_SPAN - 1).toBeLessThanOrEqual(MAX_DOMAIN);
    const sorted = [...SLOT_BASES].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(DOMAIN_SPAN);
    // The first slot keeps clear of base 0, which plain `npx vitest run` uses.
    expect(SLOT_BASES[0]).toBeGreaterThanOrEqual(DOMAIN_SPAN);
  });

  it('hands each live run its own slot, reports the holders when all are taken, and frees a dead holder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-slots-'));
    const a = tryAcquireDomainSlot(dir, process.pid);
    const b = tryAcquireDomainSlot(dir, process.ppid);
    if (!('base' in a) || !('base' in b)) throw new Error('expected two free slots');
    expect(a.base).not.toBe(b.base);
    expect(tryAcquireDomainSlot(dir, 1)).toEqual({ busy: [process.pid, process.ppid] });
    a.release();
    const c = tryAcquireDomainSlot(dir, process.pid);
    expect(c).toMatchObject({ base: a.base });
    // A holder that is gone (pid far above pid_max) leaves a free slot behind.
    writeFileSync(b.lockFile, '999999999');
    expect(tryAcquireDomainSlot(dir, process.pid)).toMatchObject({ base: b.base });
  });
});
