// The bundle's vendor.cjs is compiled with a V8 code cache (scripts/vendor-load.cjs, issue 69): the real `medkit`
// command writes the cache after start-up and uses it at the next start; a cache that is missing, corrupt, truncated,
// made by another runtime or in a directory that cannot be written never keeps the gateway from starting, and the
// directory holds a bounded number of files. NODE_DEBUG=medkit-code-cache makes the loader say what it did.
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, cliScratch, freePort, REPO_ROOT, runMedkit, type MedkitProcess } from '../../../test-support/medkit-cli.js';

const scratch = cliScratch('medkit-code-cache-');
const CACHE_FILE = /^vendor-[0-9a-f]{32}\.v8$/;
// The file's layout (scripts/vendor-load.cjs): a magic line, the SHA-256 of the data, the data.
const MAGIC = Buffer.from('medkit-v8-code-cache-1\n');
const DATA_AT = MAGIC.length + 32;

interface Started {
  proc: MedkitProcess;
  /** Resolves with the first debug line of the loader matching `re`. */
  said(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `medkit gateway --no-ros` with the loader's debug output on, and waits for its /health to answer 200. */
async function start(env: NodeJS.ProcessEnv): Promise<Started> {
  const port = await freePort();
  const proc = scratch.track(
    runMedkit(['gateway', '--no-ros', '--port', String(port), '--data-dir', scratch.tmp(), '--log-level', 'warn'], {
      NODE_DEBUG: 'medkit-code-cache',
      // Written half a second after loading instead of 10 s: the tests wait for it.
      MEDKIT_CODE_CACHE_SAVE_MS: '500',
      ...env,
    }),
  );
  await proc.waitFor(/medkit gateway ready/);
  const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
  expect(health.status).toBe(200);
  // The loader's debug lines are on stderr, one per line, each `MEDKIT-CODE-CACHE <pid>: <what>`.
  const said = async (re: RegExp, timeoutMs = 30_000): Promise<string> =>
    (await proc.waitFor(new RegExp(`^(?=MEDKIT-CODE-CACHE \\d+: )(?=.*(?:${re.source})).*$`, 'm'), timeoutMs, 'stderr'))[0];
  return {
    proc,
    said,
    async stop() {
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
}

/** Starts a gateway with the cache in `dir` until it has written its cache file; returns the file's path. */
async function warm(dir: string): Promise<string> {
  const g = await start({ MEDKIT_CODE_CACHE: dir });
  const line = await g.said(/^MEDKIT-CODE-CACHE \d+: wrote /);
  await g.stop();
  const file = / wrote (\S+) \(/.exec(line)![1];
  expect(existsSync(file)).toBe(true);
  return file;
}

describe('the code cache of vendor.cjs', () => {
  beforeAll(() => buildGateway(), 240_000);

  it('is written after start-up into the configured directory, and used by the next start', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
    expect(readdirSync(dir)[0]).toMatch(CACHE_FILE);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, MAGIC.length).equals(MAGIC)).toBe(true);
    expect(createHash('sha256').update(bytes.subarray(DATA_AT)).digest().equals(bytes.subarray(MAGIC.length, DATA_AT))).toBe(true);
    const mtime = statSync(file).mtimeMs;

    const g = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await g.said(/ used /)).toContain(file);
    // A start that used the cache does not write it again: decided at load, before yaml is first shared.
    await g.said(/ shared yaml /);
    expect(g.proc.stderr()).not.toMatch(/ will write /);
    await g.stop();
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('ignores a corrupt file (its checksum does not match) and writes a good one in its place', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    const size = statSync(file).size;
    // Damaged data that V8 would deserialise: in a test of V8 itself, such bytes ended the process (a fatal error).
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, DATA_AT + Math.floor((size - DATA_AT) / 2));
    closeSync(fd);
    const g = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await g.said(/ none usable at /)).toContain(file);
    await g.said(/ wrote /);
    await g.stop();
    const again = await start({ MEDKIT_CODE_CACHE: dir });
    await again.said(/ used /);
    await again.stop();
  });

  it('ignores a truncated file', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const g = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await g.said(/ none usable at /)).toContain(file);
    await g.stop();
  });

  it('ignores data V8 rejects (another runtime’s: its version in the data differs) and replaces it', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    const bytes = readFileSync(file);
    const data = Buffer.from(bytes.subarray(DATA_AT));
    // V8's header: a magic number, then the hash of the V8 version that made the data.
    data.writeUInt32LE(~data.readUInt32LE(4) >>> 0, 4);
    writeFileSync(file, Buffer.concat([MAGIC, createHash('sha256').update(data).digest(), data]));
    const g = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await g.said(/ rejected by V8: /)).toContain(file);
    await g.said(/ wrote /);
    await g.stop();
    expect(readFileSync(file).subarray(DATA_AT).readUInt32LE(4)).toBe(bytes.subarray(DATA_AT).readUInt32LE(4));
  });

  it('keeps at most three cache files, and removes a temporary file left long ago', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    const old = Date.now() / 1000 - 7200;
    const others = [1, 2, 3, 4].map((i) => join(dir, `vendor-${String(i).repeat(32)}.v8`));
    others.forEach((f, i) => {
      writeFileSync(f, 'another build');
      utimesSync(f, old + i, old + i);
    });
    const leftover = join(dir, `vendor-${'5'.repeat(32)}.v8.12345.tmp`);
    writeFileSync(leftover, 'half');
    utimesSync(leftover, old, old);
    // Ours goes away too, so the next start writes it again.
    const ours = readFileSync(file);
    writeFileSync(file, 'x');
    const g = await start({ MEDKIT_CODE_CACHE: dir });
    await g.said(/ wrote /);
    await g.stop();
    expect(readdirSync(dir).sort()).toEqual([file, others[3], others[2]].map((f) => f.slice(dir.length + 1)).sort());
    expect(statSync(file).size).toBeGreaterThan(ours.length / 2);
  });

  it('does not use a directory or a file a group or others may write to (its code would run as the gateway)', async () => {
    const dir = join(scratch.tmp(), 'cache');
    const file = await warm(dir);
    chmodSync(file, 0o666);
    const g = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await g.said(/ none usable at /)).toContain(file);
    await g.said(/ wrote /);
    await g.stop();
    // Written again by the gateway: its own mode.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(dir, 0o777);
    const mtime = statSync(file).mtimeMs;
    const open = await start({ MEDKIT_CODE_CACHE: dir });
    expect(await open.said(/ not used: /)).toContain(`${dir} is writable by group or others`);
    await open.said(/ shared yaml /);
    await open.stop();
    expect(open.proc.stderr()).not.toMatch(/ (will write|wrote) /);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('starts as usual and writes nothing where the directory cannot be made', async () => {
    const parent = scratch.tmp();
    writeFileSync(join(parent, 'a-file'), '');
    const g = await start({ MEDKIT_CODE_CACHE: join(parent, 'a-file', 'cache') });
    await g.said(/ none usable at /);
    await g.said(/ not written: /);
    await g.stop();
    expect(readdirSync(parent)).toEqual(['a-file']);
  });

  it('takes a write delay it cannot honour (past an hour, negative, no number) as the default 10 s', async () => {
    for (const value of ['99999999999', '-5', 'soon']) {
      const g = await start({ MEDKIT_CODE_CACHE: join(scratch.tmp(), 'cache'), MEDKIT_CODE_CACHE_SAVE_MS: value });
      expect(await g.said(/ will write /)).toMatch(/ in 10000 ms$/);
      await g.stop();
    }
  });

  it('is off with MEDKIT_CODE_CACHE=off', async () => {
    const g = await start({ MEDKIT_CODE_CACHE: 'off' });
    await g.said(/: off$/);
    await g.stop();
  });

  it('lives in systemd’s cache directory of the service when there is one, else in the checkout’s bundle', async () => {
    const cacheDirectory = scratch.tmp();
    const service = await start({ CACHE_DIRECTORY: cacheDirectory });
    expect(await service.said(/ none usable at /)).toContain(join(cacheDirectory, 'code-cache', 'vendor-'));
    await service.stop();
    // The bundler makes .code-cache/ in the bundle of a checkout (the packages leave it out).
    const checkout = await start({});
    expect(await checkout.said(/ (none usable at|used) /)).toContain(join(REPO_ROOT, 'packages/cli/bundle/.code-cache/vendor-'));
    await checkout.stop();
  });
});
