// The programs `npm run package` runs, checked before a step starts: a machine without one skips that artefact
// (or, when it was asked for by name, stops) with a line naming the Debian package to install.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A step cannot run here: a program it needs is missing. The message names the Debian package to install. */
export class MissingToolError extends Error {
  code = 'package-tool-missing';
  /** @param {string} step @param {[string, string][]} missing [command, Debian package] pairs */
  constructor(step, missing) {
    super(`${step} needs ${missing.map(([cmd, pkg]) => `${cmd} (Debian package ${pkg})`).join(', ')}: apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}`);
    this.step = step;
  }
}

/**
 * The [command, Debian package] pairs whose command is not on PATH (an absolute path: a file that is not there).
 * @param {[string, string][]} tools
 */
export function toolsMissing(tools, path = process.env.PATH ?? '') {
  // An absolute path is a file to find (a library of a cross toolchain), anything else a command on PATH.
  const onPath = (cmd) => (cmd.startsWith('/') ? existsSync(cmd) : path.split(':').some((dir) => dir !== '' && existsSync(join(dir, cmd))));
  return tools.filter(([cmd]) => !onPath(cmd));
}

/** Runs a command; returns its stdout and stderr together, throws with them when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${output}`);
  return output;
}

/** npm's bundled node-gyp (bin/node-gyp.js): next to the npm running this script, or next to this Node.js. */
export function nodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'));
  candidates.push(join(dirname(realpathSync(process.execPath)), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  return candidates.find((c) => existsSync(c));
}

/** Copies a folder tree as it is (links, modes; `cp -a`: many times faster than fs.cpSync on node_modules). */
export const copyTree = (from, to) => run('cp', ['-a', from, to]);
/** Removes a folder tree (`rm -rf`: many times faster than fs.rmSync on node_modules). */
export const removeTree = (dir) => run('rm', ['-rf', '--', dir]);
