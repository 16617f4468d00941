// The programs `npm run package` runs, checked before a step starts: a machine without one skips that artefact
// (or, when it was asked for by name, stops) with a line naming the Debian package to install.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
 * The [command, Debian package] pairs whose command is not on PATH.
 * @param {[string, string][]} tools
 */
export function toolsMissing(tools, path = process.env.PATH ?? '') {
  const onPath = (cmd) => path.split(':').some((dir) => dir !== '' && existsSync(join(dir, cmd)));
  return tools.filter(([cmd]) => !onPath(cmd));
}
