// Shared helpers for the scripts and updates tests: uploads and polling; the polling and process checks come from
// test-support/processes.ts, shared with packages/scripts' tests.
import { waitFor } from '../../../../test-support/processes.js';

export { liveGroupMembers, pidAlive, waitFor } from '../../../../test-support/processes.js';

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

/** Polls an execution until it leaves `running`. */
export async function waitFinished(url: string, location: string): Promise<Body> {
  return waitFor(async () => {
    const body = await json(await fetch(`${url}${location}`));
    return body.status === 'running' ? undefined : body;
  }, `execution ${location} to finish`);
}
