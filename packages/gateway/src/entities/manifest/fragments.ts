/**
 * Manifest fragments directory (docs/manifest.md): every `*.yaml` / `*.yml` file, sorted by full path,
 * each at most 1 MiB; symlinks only when they resolve inside the directory. Dot files are skipped so that
 * writers can publish atomically (`.tmp-<id>.yaml` then rename).
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { RULE, type IssueSink } from './issues.js';

const MAX_FRAGMENT_BYTES = 1024 * 1024;

export interface FragmentFile {
  file: string;
  text: string;
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Reads all fragment files of `dir`. A missing directory gives []. Problems are reported as errors. */
export async function readFragments(dir: string, issues: IssueSink): Promise<FragmentFile[]> {
  let names: string[];
  let root: string;
  try {
    root = await realpath(dir);
    names = await readdir(root);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return [];
    issues.error({ file: dir, line: 0 }, RULE.fragment, `fragments directory unreadable: ${err.message}`);
    return [];
  }
  const files = names
    .filter((n) => !n.startsWith('.') && /\.ya?ml$/i.test(n))
    .map((n) => join(dir, n))
    .sort();
  const out: FragmentFile[] = [];
  for (const file of files) {
    const at = { file, line: 0 };
    try {
      const l = await lstat(file);
      let target = file;
      if (l.isSymbolicLink()) {
        target = await realpath(file);
        if (!inside(root, target)) {
          issues.error(at, RULE.fragment, `symlink resolves outside the fragments directory (${target}); not followed`);
          continue;
        }
      }
      const st = await stat(target);
      if (!st.isFile()) continue;
      if (st.size > MAX_FRAGMENT_BYTES) {
        issues.error(at, RULE.fragment, `fragment is ${st.size} bytes, over the ${MAX_FRAGMENT_BYTES} byte cap`);
        continue;
      }
      out.push({ file, text: await readFile(target, 'utf8') });
    } catch (e) {
      issues.error(at, RULE.fragment, `fragment unreadable: ${(e as Error).message}`);
    }
  }
  return out;
}
