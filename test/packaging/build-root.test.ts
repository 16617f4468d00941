// Two packagers on one machine (two checkouts, one package cache): each compiles in the shared Debian 11 build root
// (scripts/package-buildroot.mjs) through its own work folder (scripts/package-arch.mjs, builder). Two builders are
// opened one after the other while the first is still in use, as two `npm run package` runs overlap: the second must
// leave the first's folder alone, and a command of the first must still run in it (a shared folder was removed by
// the second packager, and the first's node-gyp died with `getcwd() failed`). Needs root and debootstrap.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { builder } from '../../scripts/package-arch.mjs';
import { removeTree } from '../../scripts/package-tools.mjs';
import { describeAsRoot, describeWith } from '../../test-support/requirements.js';

type Builder = { work: string; at: (p: string) => string; node: string; exec: (cmd: string, args: string[], cwd: string, env: Record<string, string>) => string };

describeAsRoot('two packagers in the shared build root', () =>
  describeWith([{ kind: 'bin', name: 'debootstrap', debian: 'debootstrap' }, { kind: 'bin', name: 'chroot', debian: 'coreutils' }], 'the build root', () => {
    const opened: Builder[] = [];
    afterAll(() => opened.forEach((b) => removeTree(b.work)));

    it('each run has its own work folder; opening a second does not remove the first, whose commands still run in it', async () => {
      const first = (await builder('buildroot')) as Builder;
      opened.push(first);
      writeFileSync(join(first.work, 'in-progress'), 'first');
      const second = (await builder('buildroot')) as Builder;
      opened.push(second);
      expect(second.work).not.toBe(first.work);
      expect(readFileSync(join(first.work, 'in-progress'), 'utf8')).toBe('first');
      // Each run's Node.js, in the chroot, in its own folder (what node-gyp's getcwd() needs).
      for (const b of [first, second]) {
        b.exec(b.node, ['-e', "require('fs').writeFileSync('cwd', process.cwd() + ' ' + process.env.HOME)"], b.work, {});
        expect(readFileSync(join(b.work, 'cwd'), 'utf8')).toBe(`${b.at(b.work)} ${b.at(b.work)}`);
      }
      removeTree(second.work);
      expect(existsSync(join(first.work, 'in-progress'))).toBe(true);
    }, 2_400_000);
  }),
);
