// Where `npm run package` (scripts/package.mjs) puts what it builds, and the names of the artefacts: shared by the
// steps (package-*.mjs) and the packaging tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT = join(ROOT, 'dist-packages');
export const PACKAGING = join(ROOT, 'packaging');
export const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
export const version = () => readJson(join(ROOT, 'packages/cli/package.json')).version;

/** The installed npm tree every architecture starts from (JavaScript only: no native part compiled). */
export const treeDir = () => join(OUT, 'tree');
/**
 * The self-contained tree of `arch` (`medkit-<v>/`): bin/medkit (the start script), node/ (the runtime),
 * node_modules/ with the native parts compiled for `arch`. The Debian package installs it as /usr/lib/medkit,
 * the tarball holds it, the image has it under /usr/lib/medkit.
 */
export const archTreeDir = (arch) => join(OUT, `linux-${arch}`, `medkit-${version()}`);
export const debFile = (arch) => join(OUT, `medkit_${version()}_${arch}.deb`);
export const tarFile = (arch) => join(OUT, `medkit-${version()}-linux-${arch}.tar.gz`);
export const imageName = () => `localhost/medkit:${version()}`;
export const imageFile = (arch) => join(OUT, `medkit-image-${version()}-${arch}.tar`);
/** The image's user (no name service in the image: /etc/passwd names it). */
export const IMAGE_UID = 10001;
/** buildah's arguments for a private store under `dir` (vfs: no overlay mounts, nothing left in /var/lib/containers). */
export const buildahStore = (dir) => ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];

/** The Node.js options on the `#!` line of the command's bin/medkit.js (the start script and the image pass the same). */
export function commandNodeFlags(medkitJs) {
  const shebang = readFileSync(medkitJs, 'utf8').split('\n')[0];
  return shebang.replace(/^#!\/usr\/bin\/env -S node\s*/, '').split(/\s+/).filter(Boolean);
}

/**
 * Size budgets (bytes) of the artefacts, per architecture, kept by test/packaging/sizes.test.ts and written in
 * docs/deploy.md ("Sizes").
 */
export const SIZE_BUDGET = Object.freeze({ deb: 45e6, tar: 70e6, image: 160e6 });
