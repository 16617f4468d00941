// Step deb-<arch> of `npm run package`: dist-packages/medkit_<v>_<arch>.deb (dpkg-deb), docs/deploy.md "Debian
// package". /usr/lib/medkit is the self-contained tree of the architecture (package-arch.mjs: its own Node.js
// runtime, the tree, the native parts compiled for it), /usr/bin/medkit a link to its start script,
// /etc/medkit/{gateway,fleet}.yaml conffiles, the two hardened units, maintainer scripts that make the medkit system
// user (postinst) and remove its state on purge (postrm). No dependency on a nodejs package: the system's Node.js,
// if any, is neither used nor touched.
import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archTreeDir, debFile, OUT, PACKAGING, ROOT, version } from './package-layout.mjs';
import { runtime } from './package-runtime.mjs';
import { copyTree, removeTree, run } from './package-tools.mjs';

export function buildDeb(arch) {
  const root = join(OUT, `deb-root-${arch}`);
  removeTree(root);
  const put = (from, to, mode = 0o644) => {
    mkdirSync(join(root, to, '..'), { recursive: true });
    cpSync(from, join(root, to));
    chmodSync(join(root, to), mode);
  };
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  copyTree(archTreeDir(arch), join(root, 'usr/lib/medkit'));
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/medkit/bin/medkit', join(root, 'usr/bin/medkit'));
  for (const f of ['gateway.yaml', 'fleet.yaml']) put(join(PACKAGING, f), `etc/medkit/${f}`);
  for (const u of ['medkit-gateway.service', 'medkit-fleet.service']) put(join(PACKAGING, u), `lib/systemd/system/${u}`);
  for (const d of ['docs/deploy.md', 'docs/configuration.md', 'docs/fleet.md', 'docs/security.md', 'README.md']) put(join(ROOT, d), `usr/share/doc/medkit/${d.replace(/^docs\//, '')}`);
  writeFileSync(
    join(root, 'usr/share/doc/medkit/copyright'),
    `medkit\nLicense: Apache-2.0 (/usr/share/common-licenses/Apache-2.0)\nThe npm packages under /usr/lib/medkit/node_modules carry their own licenses.\nNode.js ${runtime().node} (/usr/lib/medkit/node): /usr/lib/medkit/node/LICENSE.\n`,
  );
  for (const s of ['postinst', 'prerm', 'postrm']) put(join(PACKAGING, 'debian', s), `DEBIAN/${s}`, 0o755);
  writeFileSync(join(root, 'DEBIAN/conffiles'), '/etc/medkit/gateway.yaml\n/etc/medkit/fleet.yaml\n');
  const size = run('du', ['-sk', '--exclude=DEBIAN', root]).split('\t')[0];
  writeFileSync(
    join(root, 'DEBIAN/control'),
    [
      'Package: medkit',
      `Version: ${version()}-1`,
      `Architecture: ${arch}`,
      'Maintainer: medkit developers <medkit@localhost>',
      `Installed-Size: ${size}`,
      'Depends: passwd',
      // Suggests, not Recommends: apt installs recommends by default, and a robot's gateway needs neither
      // server; only the fleet tier does (docs/deploy.md, "The fleet tier's servers").
      'Suggests: nats-server, postgresql',
      'Section: net',
      'Priority: optional',
      'Description: SOVD (ISO 17978-3) diagnostic gateway for ROS 2 robots',
      ' medkit speaks DDS-RTPS itself and serves the robot\'s diagnostics (faults, data, operations,',
      ' configurations, logs) over the SOVD REST API with a web UI; `medkit fleet` serves a fleet of',
      ' robots from NATS JetStream and PostgreSQL. Services: medkit-gateway, medkit-fleet (not enabled).',
      ` It carries its own Node.js runtime (${runtime().node}, /usr/lib/medkit/node) and needs no other.`,
      '',
    ].join('\n'),
  );
  run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z6', '--build', root, debFile(arch)]);
  removeTree(root);
}
