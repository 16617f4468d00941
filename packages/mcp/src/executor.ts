// The one executor behind every tool: declaration + validated arguments → REST call(s) → a bounded
// answer whose structuredContent matches the tool's output schema, or an `isError` result carrying the
// documented error JSON (tool-errors.ts). Nothing here is specific to one tool.
import { tmpdir } from 'node:os';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { boundedJson, shrink } from './bounded.js';
import type { ToolDeclaration } from './catalog/index.js';
import { buildRequest, resolvePath, type Args } from './request.js';
import type { MedkitClient } from '@medkit/client';
import { absoluteUrl, gatewayCall, gatewayHead, SovdCallError } from './gateway.js';
import { DEFAULT_DOWNLOAD_DIR, downloadDirectory, fetchFile } from './save-download.js';
import { fromGateway, ToolInputError, type ToolErrorBody } from './tool-errors.js';

export interface ExecutorLimits {
  /** Longest text (and structured content) one answer carries, in characters. */
  maxChars: number;
  /** Where downloads too long for an answer are saved (default DEFAULT_DOWNLOAD_DIR; null: nowhere, they are refused). */
  downloadDir?: string | null;
  /** Longest list kept when an answer is cut (the head is kept). */
  maxItems?: number;
}

type Structured = Record<string, unknown> & { 'x-medkit-mcp': Record<string, unknown> };

/** Longest error message carried in structuredContent (the text carries the bounded whole). */
const MAX_ERROR_MESSAGE = 2000;

/**
 * A failed call as MCP sees it: `isError` with the error JSON as text, and as structuredContent under
 * `x-medkit-mcp.error`: every output schema has that field, and the SDK client checks structuredContent
 * against the output schema even on an error, so the error cannot sit at the top level (its `status`, a
 * number, would clash with tools whose `status` is a string). Details too long for the limit are left out.
 */
export function errorResult(body: ToolErrorBody, maxChars: number): CallToolResult {
  const short = { ...body, message: body.message.slice(0, MAX_ERROR_MESSAGE) };
  const { details: _dropped, ...withoutDetails } = short;
  const error = JSON.stringify(short).length <= maxChars ? short : withoutDetails;
  const meta = { ...(body.source === 'gateway' && body.status !== undefined ? { http_status: body.status } : {}), error };
  return { content: [{ type: 'text', text: boundedJson(body, maxChars).text }], structuredContent: { 'x-medkit-mcp': meta }, isError: true };
}

/** Most links collected from one answer (a fault has a handful; a hostile answer may carry thousands). */
export const MAX_LINKS = 200;

/** Every link the gateway put in an answer (recordings, snapshots), made absolute so an agent can hand it on. */
function absoluteLinks(client: MedkitClient, value: unknown, out: Record<string, string>, path = '', depth = 0): Record<string, string> {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    // Checked per entry: one object with many link fields must not grow the map past the cap.
    if (Object.keys(out).length >= MAX_LINKS) return out;
    const here = path ? `${path}.${k}` : k;
    if (typeof v === 'string' && (k.endsWith('_uri') || k.endsWith('_url') || k === 'href') && v.startsWith('/')) out[here] = absoluteUrl(client, v);
    else absoluteLinks(client, v, out, here, depth + 1);
  }
  return out;
}

/** The answer as an object: the gateway's JSON object as is; anything else (204, a bare list) under `value`. */
function asObject(body: unknown, status: number): Structured {
  const base = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : body === undefined ? {} : { value: body };
  return { ...base, 'x-medkit-mcp': { http_status: status } };
}

/** Items of a list whose named fields contain `needle` (case-insensitive). */
function keepMatching(list: unknown, needle: string, fields: readonly string[]): unknown {
  if (!Array.isArray(list)) return list;
  const want = needle.toLowerCase();
  return list.filter((item) => item !== null && typeof item === 'object' && fields.some((f) => String((item as Record<string, unknown>)[f] ?? '').toLowerCase().includes(want)));
}

/** An absent argument filled from the GET the declaration names (kept absent when that answer has none). */
async function withLookup(decl: ToolDeclaration, args: Args, client: MedkitClient): Promise<Args> {
  const lookup = decl.lookup;
  if (!lookup || args[lookup.arg] !== undefined) return args;
  const answer = await gatewayCall(client, 'GET', resolvePath({ ...decl, path: lookup.path }, args));
  const found = lookup.find(answer.body, args);
  return found === undefined ? args : { ...args, [lookup.arg]: found };
}

/** The gateway's answer that an id is not in the collection asked: 404, or 400 naming the collection it is in. */
function notInCollection(err: unknown): boolean {
  if (!(err instanceof SovdCallError)) return false;
  const actual = (err.body as { parameters?: { actual_type?: unknown } } | undefined)?.parameters?.actual_type;
  return err.status === 404 || (err.status === 400 && actual !== undefined);
}

/** A file's name (Content-Disposition, else its id) and type as the gateway's headers give them. */
function fileOf(headers: Headers, args: Args): { filename: string; mimetype: string } {
  const disposition = /filename="?([^";]+)"?/.exec(headers.get('content-disposition') ?? '');
  return { filename: disposition?.[1] ?? String(args.file_id), mimetype: headers.get('content-type') ?? 'application/octet-stream' };
}

/** Bytes of a file whose base64 still fits one answer (the JSON around it takes well under 1000 characters). */
const inlineBytes = (maxChars: number) => Math.max(0, Math.floor((maxChars - 1000) / 4) * 3);

/**
 * A download: saved into `output_dir` when given (checked before any request); otherwise inline as base64
 * when it fits the answer, or saved in the download directory, so no answer passes the limit.
 */
async function downloadAnswer(client: MedkitClient, path: string, args: Args, limits: ExecutorLimits): Promise<Structured> {
  // Configured: that directory is both the limit and the default; otherwise the OS temp dir and a directory in it.
  const [root, fallback] = limits.downloadDir === undefined ? [tmpdir(), DEFAULT_DOWNLOAD_DIR] : [limits.downloadDir, limits.downloadDir ?? undefined];
  const given = args.output_dir as string | undefined;
  const dir = given === undefined ? undefined : await downloadDirectory(root, given);
  const f = await fetchFile(client, path, String(args.file_id), {
    maxBytes: args.max_bytes as number,
    inlineBytes: dir === undefined ? inlineBytes(limits.maxChars) : -1,
    directory: async () => dir ?? downloadDirectory(root, fallback),
  });
  const meta = { 'x-medkit-mcp': { http_status: f.status } };
  if ('bytes' in f) return { filename: f.filename, mimetype: f.mimetype, size: f.bytes.length, encoding: 'base64', data: f.bytes.toString('base64'), ...meta };
  return { filename: f.filename, mimetype: f.mimetype, size: f.size, path: f.path, ...meta };
}

async function callGateway(decl: ToolDeclaration, args: Args, client: MedkitClient, limits: ExecutorLimits): Promise<Structured> {
  const first = decl.firstFound;
  if (first && args[first.arg] === undefined) {
    // Bounded by the declaration's value list; only "not in this collection" moves on to the next value.
    let missing: unknown;
    for (const value of first.values) {
      try {
        return await callGateway(decl, { ...args, [first.arg]: value }, client, limits);
      } catch (err) {
        if (!notInCollection(err)) throw err;
        missing = err;
      }
    }
    throw missing;
  }
  const filter = decl.filter && args[decl.filter.arg] !== undefined ? { needle: String(args[decl.filter.arg]), fields: decl.filter.fields } : undefined;
  if (decl.gather) {
    const out: Record<string, unknown> = {};
    const chosen = args[decl.gather.arg];
    for (const value of chosen === undefined ? decl.gather.values : [String(chosen)]) {
      const r = buildRequest(decl, { ...args, [decl.gather.arg]: value });
      const list = ((await gatewayCall(client, r.method, r.path, r.body, r.query)).body as Record<string, unknown> | undefined)?.[decl.gather.pick] ?? [];
      out[value] = filter ? keepMatching(list, filter.needle, filter.fields) : list;
    }
    return { ...out, 'x-medkit-mcp': { http_status: 200 } };
  }
  const req = buildRequest(decl, await withLookup(decl, args, client));
  if (decl.response === 'file') return downloadAnswer(client, req.path, args, limits);
  if (decl.response === 'headers') {
    // HEAD: what the download would be, without transferring it.
    const r = await gatewayHead(client, req.path);
    const length = Number(r.headers.get('content-length') ?? Number.NaN);
    return { ...fileOf(r.headers, args), ...(Number.isSafeInteger(length) ? { size: length } : {}), 'x-medkit-mcp': { http_status: r.status } };
  }
  const r = await gatewayCall(client, req.method, req.path, req.body, req.query);
  const out = asObject(r.body, r.status);
  if (filter && Array.isArray(out.items)) out.items = keepMatching(out.items, filter.needle, filter.fields);
  const location = r.headers.get('location');
  if (location) out['x-medkit-mcp'].location = absoluteUrl(client, location);
  if (decl.links) out['x-medkit-mcp'].links = absoluteLinks(client, r.body, {});
  return out;
}

/** Cuts an answer to the limit, keeping it an object of the same top-level shape. */
function bound(value: Structured, limits: ExecutorLimits): { text: string; structured: Structured } {
  const whole = JSON.stringify(value, null, 2);
  if (whole.length <= limits.maxChars) return { text: whole, structured: value };
  const maxItems = limits.maxItems ?? 50;
  const meta = { ...value['x-medkit-mcp'], truncated: true };
  const cut = { ...(shrink(value, limits.maxChars, maxItems).value as Structured), 'x-medkit-mcp': meta };
  const text = JSON.stringify(cut, null, 2);
  // Still too long (one huge string): the text is cut as a last resort and the structure keeps only what is sure to fit.
  if (text.length > limits.maxChars) return { text: boundedJson(value, limits.maxChars, maxItems).text, structured: { 'x-medkit-mcp': meta } };
  return { text, structured: cut };
}

/** Runs one tool call with already validated arguments. */
export async function execute(decl: ToolDeclaration, args: Args, client: MedkitClient, limits: ExecutorLimits): Promise<CallToolResult> {
  try {
    const value = await callGateway(decl, args, client, limits);
    const { text, structured } = bound(value, limits);
    return { content: [{ type: 'text', text }], structuredContent: structured };
  } catch (err) {
    if (err instanceof ToolInputError) return errorResult(err.body, limits.maxChars);
    if (err instanceof SovdCallError) {
      const body = fromGateway(err);
      if (err.errorCode === 'x-medkit-response-too-large' && decl.response === 'file') {
        return errorResult({ ...body, error_code: 'payload-too-large', message: `the file is larger than max_bytes (${String(args.max_bytes)}); download it from the URL instead`, details: { url: absoluteUrl(client, buildRequest(decl, args).path) } }, limits.maxChars);
      }
      return errorResult(body, limits.maxChars);
    }
    return errorResult({ error_code: 'internal-error', source: 'mcp', message: `${decl.name} failed: ${(err as Error).message}` }, limits.maxChars);
  }
}
