// `medkit` run as a command (its #! line, as on PATH or from a systemd unit) gets the Node.js options of
// src/runtime-flags.ts, which the demo's launcher and the footprint bench pass when they start the script
// through node: the two lists cannot drift apart.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RUNTIME_FLAGS } from '../src/runtime-flags.js';
import { buildGateway, MEDKIT_BIN } from '../../../test-support/medkit-cli.js';

const PRELOAD = fileURLToPath(new URL('./fixtures/write-exec-argv.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'medkit-runtime-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => buildGateway(), 240_000);

describe('the medkit command’s Node.js options', () => {
  it('are on its #! line, exactly', () => {
    const first = readFileSync(MEDKIT_BIN, 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${NODE_RUNTIME_FLAGS.join(' ')}`);
    // Linux before 5.1 reads at most 127 characters of it (BINPRM_BUF_SIZE): a longer line would lose options.
    expect(first.length).toBeLessThanOrEqual(127);
  });

  it('cap the young generation at 1 MB semi-spaces (implied by --optimize-for-size on this runtime)', () => {
    const values = execFileSync(process.execPath, [...NODE_RUNTIME_FLAGS, '--print-flag-values', '-e', '0'], { encoding: 'utf8' });
    expect(values).toMatch(/^--max-semi-space-size=1$/m);
    expect(values).toMatch(/^--optimize-for-size$/m);
    expect(values).toMatch(/^--no-maglev$/m);
  });

  it('are what the command runs with when executed directly', () => {
    const out = join(dir, 'exec-argv.json');
    const version = execFileSync(MEDKIT_BIN, ['--version'], {
      encoding: 'utf8',
      // The #! line names `node`: the one running this test comes first on PATH.
      env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`, NODE_OPTIONS: `--import=${PRELOAD}`, MEDKIT_EXEC_ARGV_FILE: out },
    });
    expect(version.trim()).toMatch(/\d+\.\d+\.\d+/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([...NODE_RUNTIME_FLAGS]);
  });
});
