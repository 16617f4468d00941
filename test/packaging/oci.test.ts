// The container images of `npm run package` (scripts/package-image.mjs, docs/deploy.md): loaded from their archives
// into a private buildah store (vfs, under a temp dir), their configuration (architecture, non-root user, the state
// volume, the health check, the entrypoint) and size. This machine's image runs its entrypoint with `buildah run
// --isolation chroot` (this machine's network, as `podman run --network host`) until /health answers, authenticated
// with the credentials it made on first start, and the image's own health check passes against it; without
// authentication it refuses to start. The other
// architecture's image (assembled without running anything of it) runs `medkit --version` under
// qemu-aarch64-static with the image's root as its library root, so its libraries are all there. Needs root and buildah.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildahStore, IMAGE_UID, imageFile, imageName, SIZE_BUDGET } from '../../scripts/package.mjs';
import { hostArch, runtime } from '../../scripts/package-runtime.mjs';
import { freePort } from '../../test-support/medkit-cli.js';
import { authorizeAdmin, createPersistentTrigger, expectHealthAndUi, expectNativeRuntime, expectVersionReport, nativeRequirements, packageArtefacts, printedAdminSecret, signInAsAdmin, withInstalledGateway } from '../../test-support/packaging.js';
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
      // Secure by default (issue 68): authentication on, with credentials made on first start in the volume.
      expect(config.Env).toContain('MEDKIT_AUTH_ENABLED=true');
      expect(config.Env).toContain('MEDKIT_AUTH_CREDENTIALS_FILE=credentials.yaml');
    });

    it(`is at most ${SIZE_BUDGET.image / 1e6} MB`, () => expectSized(arch));

    it('its entrypoint, run from the image as `podman run --network host` does (all interfaces), is authenticated with nothing else to do: first-start credentials in the volume (0600, printed once) sign in and guard writes; it answers /health and serves the web UI; the image health check passes; `medkit credentials rotate` replaces them', async () => {
      const { store, ctr, config } = image;
      const port = await freePort();
      // The state volume: a folder of this machine owned by the image's user, as a named volume would be.
      const volume = mkdtempSync(join(tmpdir(), 'medkit-image-volume-'));
      chownSync(volume, IMAGE_UID, IMAGE_UID);
      chmodSync(volume, 0o750);
      const run = ['run', '--isolation', 'chroot', '--volume', `${volume}:/var/lib/medkit`, '--env', `MEDKIT_SERVER_PORT=${port}`, ctr, '--'];
      const buildahRun = [...(buildahStore(store) as string[]), ...run];
      try {
        let secret = '';
        // The helper appends `gateway --no-ros --port <port>`: the image's default command with the test's options.
        await withInstalledGateway('buildah', [...buildahRun, ...config.Entrypoint], [], async (base, output) => {
          await expectHealthAndUi(base);
          await expectNativeRuntime(base, output, (runtime() as { node: string }).node);
          secret = printedAdminSecret(output()) ?? '';
          expect(secret, output()).not.toBe('');
          await expect(createPersistentTrigger(base)).rejects.toThrow(/answered 401/);
          await createPersistentTrigger(base, await signInAsAdmin(base, secret));
          const check = spawnSync('buildah', [...buildahRun, ...config.Healthcheck!.Test.slice(1)], { encoding: 'utf8' });
          expect(check.status, check.stderr).toBe(0);
        }, { port });
        const file = statSync(join(volume, 'credentials.yaml'));
        expect(file.mode & 0o777).toBe(0o600);
        expect(file.uid).toBe(IMAGE_UID);
        // docs/deploy.md's rotation: the image's command with the same volume.
        const rotated = spawnSync('buildah', [...buildahRun, ...config.Entrypoint, 'credentials', 'rotate'], { encoding: 'utf8' });
        expect(rotated.status, rotated.stderr).toBe(0);
        const next = printedAdminSecret(rotated.stderr) ?? '';
        expect(next).not.toBe('');
        await withInstalledGateway('buildah', [...buildahRun, ...config.Entrypoint], [], async (base, output) => {
          expect(printedAdminSecret(output())).toBeUndefined();
          expect((await authorizeAdmin(base, secret)).status).toBe(401);
          await signInAsAdmin(base, next);
        }, { port });
      } finally {
        rmSync(volume, { recursive: true, force: true });
      }
    });

    it('with authentication turned off it does not start: exit 2, one line saying how to enable it or bind to loopback', async () => {
      const { store, ctr, config } = image;
      const r = spawnSync('buildah', [...(buildahStore(store) as string[]), 'run', '--isolation', 'chroot', '--env', 'MEDKIT_AUTH_ENABLED=false', '--env', `MEDKIT_SERVER_PORT=${await freePort()}`, ctr, '--', ...config.Entrypoint, 'gateway', '--no-ros'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('medkit:') && !l.startsWith('medkit: config:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^medkit: refusing to start: listening on 0\.0\.0\.0:\d+, beyond loopback, without authentication: .*Enable authentication .*bind to loopback \(--host 127\.0\.0\.1\).*server\.allow_unauthenticated_remote: true$/);
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
