// Which interpreter runs an uploaded file (docs/scripts.md): `.py` → python, `.bash` → bash,
// [ours] then the shebang line, anything else → sh. Also the upload's file checks.
import { basename } from 'node:path';
import type { ScriptFormat } from './model.js';

/** Interpreter command per format. */
export const INTERPRETER: Record<ScriptFormat, string> = { bash: 'bash', python: 'python3', sh: 'sh' };

/** File extension the stored copy gets. */
export const EXTENSION: Record<ScriptFormat, string> = { bash: 'bash', python: 'py', sh: 'sh' };

export function detectFormat(filename: string, head: Buffer): ScriptFormat {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.py')) return 'python';
  if (lower.endsWith('.bash')) return 'bash';
  if (lower.endsWith('.sh')) return 'sh';
  const firstLine = head.subarray(0, 256).toString('utf8').split('\n', 1)[0];
  if (firstLine.startsWith('#!')) {
    if (/\bpython[0-9.]*\b/.test(firstLine)) return 'python';
    if (/\bbash\b/.test(firstLine)) return 'bash';
  }
  return 'sh';
}

/**
 * Why an upload's file name is refused, or undefined when it is fine. The name only picks the
 * interpreter (the stored copy is always `script.<ext>`), but a name that tries to leave its
 * directory is a sign of a hostile or broken client and is refused outright.
 */
export function fileNameProblem(filename: string): string | undefined {
  if (filename.length === 0) return 'file name is empty';
  if (filename.length > 255) return 'file name is longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(filename)) return 'file name contains control characters';
  if (filename.includes('/') || filename.includes('\\') || basename(filename) !== filename) return 'file name must not contain a path';
  if (filename === '.' || filename === '..') return 'file name must not be a directory reference';
  return undefined;
}

/** Scripts are text: a NUL byte in the first 8 KiB means a binary upload. */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, 8192).includes(0);
}
