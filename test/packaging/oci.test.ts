// The container images of `npm run package` (scripts/package-image.mjs, docs/deploy.md): loaded from their archives
// into a private buildah store (vfs, under a temp dir), their configuration (architecture, non-root user, the state
// volume, the health check, the entrypoint) and size. This machine's image runs its entrypoint with `buildah run
// --isolation chroot` until /health answers, and the image's own health check passes against it; the other
// architecture's image (assembled without running anything of it) runs `medkit --version` under
// qemu-aarch64-static with the image's root as its library root, so its libraries are all there. Needs root and buildah.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildahStore, IMAGE_UID, imageFile, imageName, SIZE_BUDGET } from '../../scripts/package.mjs';
import { hostArch, runtime } from '../../scripts/package-runtime.mjs';
import { freePort } from '../../test-support/medkit-cli.js';
import { expectHealthAndUi, expectVersionReport, nativeRequirements, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';
import { describeAsRoot, describeWith } from '../../test-support/requirements.js';

interface ImageConfig {
  User: string;
  Entrypoint: string[];
  Cmd: string[];
  Volumes: Record<string, unknown>;
  Env: string[];
  Healthcheck?: { Test: string[] };
}

/** A private buildah store holding the image of `arch`, loaded from its archive; removed (and what runs in it) by `close`. */
function imageStore(arch: string) {
  const store = mkdtempSync(join(tmpdir(), 'medkit-buildah-test-'));
  const buildah = (...args: string[]) => execFileSync('buildah', [...(buildahStore(store) as string[]), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).trim();
  buildah('pull', `docker-archive:${imageFile(arch)}`);
  const ctr = buildah('from', imageName());
  const inspect = JSON.parse(buildah('inspect', '--type', 'image', imageName())) as { Docker: { config: ImageConfig }; OCIv1: { architecture: string } };
  const close = () => {
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
  };
  return { store, buildah, ctr, config: inspect.Docker.config, architecture: inspect.OCIv1.architecture, close };
}

const expectSized = (arch: string) => {
  const size = statSync(imageFile(arch)).size;
  console.log(`medkit image ${imageName()} ${arch}: ${(size / 1e6).toFixed(1)} MB (uncompressed archive)`);
  expect(size).toBeLessThanOrEqual(SIZE_BUDGET.image);
};
const arch = hostArch() as string;
const other = arch === 'amd64' ? 'arm64' : 'amd64';

describeAsRoot('the container image (buildah)', () =>
  describeWith([{ kind: 'bin', name: 'buildah', debian: 'buildah' }, ...nativeRequirements(arch)], `the ${arch} container image`, () => {
    let image: ReturnType<typeof imageStore>;
    beforeAll(() => {
      packageArtefacts([`oci-${arch}`]);
      image = imageStore(arch);
    }, 2_400_000);
    afterAll(() => image?.close());

    it('is for this architecture, runs as a non-root user, keeps /var/lib/medkit in a volume, has a health check; entrypoint medkit, command gateway', () => {
      const { config } = image;
      expect(image.architecture).toBe(arch);
      expect(config.User).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
      expect(Object.keys(config.Volumes)).toEqual(['/var/lib/medkit']);
      expect(config.Healthcheck?.Test[0]).toBe('CMD');
      expect(config.Healthcheck?.Test.slice(1)).toEqual(['/usr/bin/node', '/usr/lib/medkit/healthcheck.mjs']);
      expect(config.Entrypoint[0]).toBe('/usr/bin/node');
      expect(config.Entrypoint.at(-1)).toBe('/usr/lib/medkit/node_modules/medkit/bin/medkit.js');
      expect(config.Cmd).toEqual(['gateway']);
      expect(config.Env).toContain('MEDKIT_SERVER_HOST=0.0.0.0');
    });

    it(`is at most ${SIZE_BUDGET.image / 1e6} MB`, () => expectSized(arch));

    it('its entrypoint, run from the image, answers /health and serves the web UI; the image health check passes', async () => {
      const { store, ctr, config } = image;
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

describeAsRoot(`the ${other} container image (buildah, qemu)`, () =>
  describeWith([{ kind: 'bin', name: 'buildah', debian: 'buildah' }, { kind: 'bin', name: 'qemu-aarch64-static', debian: 'qemu-user-static' }, ...nativeRequirements(other)], `the ${other} container image`, () => {
    let image: ReturnType<typeof imageStore>;
    beforeAll(() => {
      packageArtefacts([`oci-${other}`]);
      image = imageStore(other);
    }, 2_400_000);
    afterAll(() => image?.close());

    it(`is for ${other}, with the same configuration, at most ${SIZE_BUDGET.image / 1e6} MB`, () => {
      expect(image.architecture).toBe(other);
      expect(image.config.Entrypoint.at(-1)).toBe('/usr/lib/medkit/node_modules/medkit/bin/medkit.js');
      expect(image.config.User).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
      expectSized(other);
    });

    it('its entrypoint runs `medkit --version` under qemu with nothing but the image as its root: runtime, driver and addon load', () => {
      const mnt = image.buildah('mount', image.ctr);
      try {
        // The entrypoint with the image's root as qemu's library root (-L): every library comes from the image.
        const [node, ...args] = image.config.Entrypoint;
        const out = execFileSync('qemu-aarch64-static', ['-L', mnt, join(mnt, node), ...args.slice(0, -1), join(mnt, args.at(-1)!), '--version'], { encoding: 'utf8', timeout: 120_000 });
        expectVersionReport(out, JSON.parse(readFileSync(join(mnt, 'usr/lib/medkit/node_modules/medkit/package.json'), 'utf8')).version, (runtime() as { node: string }).node, 'arm64');
      } finally {
        image.buildah('umount', image.ctr);
      }
    });
  }),
);
