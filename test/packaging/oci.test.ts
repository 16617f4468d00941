// The container image of `npm run package` (scripts/package.mjs, docs/deploy.md): loaded from its archive into
// a private buildah store (vfs, under a temp dir), its configuration (non-root user, the state volume, the
// health check, the entrypoint), and its entrypoint run from the image with `buildah run --isolation chroot`
// until /health answers; the image's own health check passes against it. Needs root and buildah.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildahStore, IMAGE_UID, imageFile, imageName } from '../../scripts/package.mjs';
import { freePort } from '../../test-support/medkit-cli.js';
import { expectHealthAndUi, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';
import { describeAsRoot, describeWith } from '../../test-support/requirements.js';

interface ImageConfig {
  User: string;
  Entrypoint: string[];
  Cmd: string[];
  Volumes: Record<string, unknown>;
  Env: string[];
  Healthcheck?: { Test: string[] };
}

describeAsRoot('the container image (buildah)', () =>
  describeWith([{ kind: 'bin', name: 'buildah', debian: 'buildah' }], 'the container image', () => {
    const store = mkdtempSync(join(tmpdir(), 'medkit-buildah-test-'));
    const buildah = (...args: string[]) => execFileSync('buildah', [...(buildahStore(store) as string[]), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).trim();
    let ctr = '';
    let config: ImageConfig;
    beforeAll(() => {
      packageArtefacts(['oci']);
      buildah('pull', `docker-archive:${imageFile()}`);
      ctr = buildah('from', imageName());
      config = (JSON.parse(buildah('inspect', '--type', 'image', imageName())) as { Docker: { config: ImageConfig } }).Docker.config;
    }, 1_200_000);
    afterAll(() => {
      // Whatever still runs in the container's root (a gateway a failed test left), by pid, then the store.
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          if (readlinkSync(`/proc/${pid}/root`).startsWith(store)) process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone, or not ours to read
        }
      }
      spawnSync('buildah', [...(buildahStore(store) as string[]), 'rm', '--all'], { stdio: 'ignore' });
      rmSync(store, { recursive: true, force: true });
    });

    it('runs as a non-root user, keeps /var/lib/medkit in a volume, has a health check; entrypoint medkit, command gateway', () => {
      expect(config.User).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
      expect(Object.keys(config.Volumes)).toEqual(['/var/lib/medkit']);
      expect(config.Healthcheck?.Test[0]).toBe('CMD');
      expect(config.Healthcheck?.Test.slice(1)).toEqual(['/usr/bin/node', '/usr/lib/medkit/healthcheck.mjs']);
      expect(config.Entrypoint[0]).toBe('/usr/bin/node');
      expect(config.Entrypoint.at(-1)).toBe('/usr/lib/medkit/node_modules/medkit/bin/medkit.js');
      expect(config.Cmd).toEqual(['gateway']);
      expect(config.Env).toContain('MEDKIT_SERVER_HOST=0.0.0.0');
    });

    it('is at most 150 MB', () => {
      const size = statSync(imageFile()).size;
      console.log(`medkit image ${imageName()}: ${(size / 1e6).toFixed(1)} MB (uncompressed archive)`);
      expect(size).toBeLessThanOrEqual(150e6);
    });

    it('its entrypoint, run from the image, answers /health and serves the web UI; the image health check passes', async () => {
      const port = await freePort();
      const run = ['run', '--isolation', 'chroot', '--env', `MEDKIT_SERVER_PORT=${port}`, ctr, '--'];
      // The helper appends `gateway --no-ros --port <port>`: the image's default command with the test's options.
      await withInstalledGateway('buildah', [...(buildahStore(store) as string[]), ...run, ...config.Entrypoint], [], async (base) => {
        await expectHealthAndUi(base);
        const check = spawnSync('buildah', [...(buildahStore(store) as string[]), ...run, ...config.Healthcheck!.Test.slice(1)], { encoding: 'utf8' });
        expect(check.status, check.stderr).toBe(0);
      }, { port });
    });
  }),
);
