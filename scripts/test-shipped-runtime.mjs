#!/usr/bin/env node
// `npm run test:shipped-runtime [-- --all | <vitest filters>]`: the test suite on the Node.js runtime the packages
// ship (packaging/runtime.json; the official build from the npm registry, package-runtime.mjs), not on the Node.js
// that develops the workspace. The committed HEAD is exported (git archive) into the package cache, installed with
// `npm ci` and built with that runtime first on PATH (better-sqlite3's driver and @medkit/rtps's addon compiled
// against its headers: nothing is downloaded but npm packages), then tested: a representative subset by default
// (RTPS and ROS 2 on the wire, the native addon, SQLite and the fault store, the HTTP core, the command), the whole
// suite with --all. The working tree is not touched, so a run does not disturb one on the development Node.js.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './package-layout.mjs';
import { addonNodedir, cacheDir, hostArch, runtime, runtimeDir } from './package-runtime.mjs';

/** What the default run covers: each a folder of tests whose behaviour depends on the runtime. */
export const SUBSET = ['packages/rtps/test', 'packages/ros2/test', 'packages/kit/test', 'packages/faults/test', 'packages/server/test', 'packages/gateway/test/http', 'packages/gateway/test/faults', 'packages/cli/test', 'test/bundle-cli.test.ts'];

const args = process.argv.slice(2);
const rt = await runtimeDir(hostArch());
const dir = join(cacheDir(), `shipped-runtime-node-v${runtime().node}`);
const env = {
  ...process.env,
  PATH: `${join(rt, 'bin')}:${process.env.PATH}`,
  // node-gyp compiles against the runtime's headers as the packages do (addonNodedir); prebuild-install asks no one
  // for a prebuilt driver.
  npm_config_nodedir: await addonNodedir(hostArch()),
  npm_config_build_from_source: 'true',
  npm_config_update_notifier: 'false',
};
const step = (what, cmd, argv, cwd = dir) => {
  console.log(`\ntest:shipped-runtime: ${what}`);
  const r = spawnSync(cmd, argv, { cwd, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test:shipped-runtime: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
};

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
step(`exporting HEAD into ${dir}`, 'sh', ['-c', `git -C '${ROOT}' archive --format=tar HEAD | tar -x -C '${dir}'`]);
step('node --version (first on PATH)', 'node', ['--version']);
step('npm ci', 'npm', ['ci', '--prefer-offline', '--no-fund', '--no-audit']);
if (!existsSync(join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))) step('npm rebuild better-sqlite3', 'npm', ['rebuild', 'better-sqlite3']);
const filters = args.includes('--all') ? [] : args.length > 0 ? args : SUBSET;
step(`npm test ${filters.join(' ')}`, 'npm', ['test', '--', ...filters]);
