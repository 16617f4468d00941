// Shared helpers for the scripts and updates tests: uploads, polling, process checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export const CLIENT = 'test-client-1';

/** A parsed JSON response body; tests read fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

export async function uploadScript(
  url: string,
  entity: string,
  filename: string,
  content: string | Buffer,
  metadata?: unknown,
  headers: Record<string, string> = { 'x-client-id': CLIENT },
): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  if (metadata !== undefined) form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  return fetch(`${url}/api/v1/${entity}/scripts`, { method: 'POST', body: form, headers });
}

/** Uploads and returns the script id (fails the test on anything but 201). */
export async function uploadOk(url: string, entity: string, filename: string, content: string, metadata?: unknown): Promise<string> {
  const res = await uploadScript(url, entity, filename, content, metadata);
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

export async function json(res: Response): Promise<Body> {
  return (await res.json()) as Body;
}

export async function startExecution(url: string, entity: string, scriptId: string, body: unknown = { execution_type: 'now' }): Promise<Response> {
  return fetch(`${url}/api/v1/${entity}/scripts/${scriptId}/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': CLIENT },
    body: JSON.stringify(body),
  });
}

/** Polls `fn` until it returns a value (bounded; throws with the last value on time-out). */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 20000): Promise<T> {
  const end = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls an execution until it leaves `running`. */
export async function waitFinished(url: string, location: string): Promise<Body> {
  return waitFor(async () => {
    const body = await json(await fetch(`${url}${location}`));
    return body.status === 'running' ? undefined : body;
  }, `execution ${location} to finish`);
}

/** Live (non-zombie) processes with this pid. */
export function pidAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const text = readFileSync(stat, 'utf8');
    const state = text.slice(text.lastIndexOf(') ') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Non-zombie members of a process group, read from /proc (field 5 of /proc/<pid>/stat is the pgrp). */
export function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    // fields[0] = state, [1] = ppid, [2] = pgrp
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(name));
  }
  return members;
}
