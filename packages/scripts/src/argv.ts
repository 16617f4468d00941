// Parameters → command line (docs/scripts.md): with `args`, each parameter becomes positional,
// `--flag value` or a bare `--flag`; without `args`, parameters go to stdin as JSON (max 64 KiB).
import { SovdError } from '@medkit/sovd';
import type { ScriptArg } from './model.js';

const MAX_STDIN_BYTES = 64 * 1024;

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** argv for a script that declares `args`; parameters without a matching arg are ignored. */
export function buildArgv(args: ScriptArg[], parameters: Record<string, unknown>): string[] {
  const argv: string[] = [];
  for (const arg of args) {
    const value = parameters[arg.name];
    if (value === undefined || value === null) continue;
    const flag = arg.flag ?? `--${arg.name}`;
    if (arg.type === 'positional') argv.push(text(value));
    else if (arg.type === 'named') argv.push(flag, text(value));
    else if (value === true) argv.push(flag);
  }
  // A command-line argument cannot hold NUL (spawn refuses it): the caller's value, so a 400 and not a 500.
  const bad = argv.find((a) => a.includes('\0'));
  if (bad !== undefined) throw new SovdError('invalid-request', 'a parameter passed on the command line contains a NUL byte', { details: bad.slice(0, 64) });
  return argv;
}

/** How parameters reach the process: argv when the script declares args, else JSON on stdin. */
export function parameterPassing(args: ScriptArg[], parameters: Record<string, unknown> | undefined): { argv: string[]; stdin?: Buffer } {
  if (args.length > 0) return { argv: buildArgv(args, parameters ?? {}) };
  if (parameters === undefined) return { argv: [] };
  const stdin = Buffer.from(JSON.stringify(parameters), 'utf8');
  if (stdin.length > MAX_STDIN_BYTES) {
    throw new SovdError('invalid-request', `parameters are larger than ${MAX_STDIN_BYTES} bytes as JSON`, { details: `${stdin.length} bytes`, max_bytes: MAX_STDIN_BYTES });
  }
  return { argv: [], stdin };
}
