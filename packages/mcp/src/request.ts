// Turns a declaration and validated arguments into the REST request: the path (first template whose
// placeholders are all given, each percent-encoded), query and body. Pure: no I/O.
import type { BodySpec, ToolDeclaration } from './catalog/index.js';
import { invalidCombination, ToolInputError } from './tool-errors.js';

export type Args = Record<string, unknown>;

export interface RestRequest {
  method: ToolDeclaration['method'];
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;
const placeholders = (template: string) => [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
const given = (args: Args, name: string) => args[name] !== undefined;

/** Path arguments are ids the input schema already restricted; `scope` (docs) keeps its slashes between encoded segments. */
function fill(template: string, args: Args): string {
  return template.replace(PLACEHOLDER, (_, name: string) =>
    String(args[name])
      .split(name === 'scope' ? '/' : /(?!)/)
      .map(encodeURIComponent)
      .join('/'),
  );
}

export function resolvePath(decl: ToolDeclaration, args: Args): string {
  const templates = typeof decl.path === 'string' ? [decl.path] : decl.path;
  const chosen = templates.find((t) => placeholders(t).every((p) => given(args, p)));
  const all = new Set(templates.flatMap(placeholders));
  const used = new Set(chosen ? placeholders(chosen) : []);
  const stray = [...all].filter((p) => given(args, p) && !used.has(p));
  if (!chosen || stray.length > 0) {
    const need = templates.map((t) => placeholders(t).join(' + ') || 'none of them').join(', or ');
    throw new ToolInputError(invalidCombination(`${decl.name}: give ${need} (got ${[...all].filter((p) => given(args, p)).join(', ') || 'none'})`));
  }
  return fill(chosen, args);
}

function buildBody(spec: BodySpec | undefined, args: Args): unknown {
  if (!spec) return undefined;
  if (spec.kind === 'arg') return args[spec.arg];
  if (spec.kind === 'json') return Object.fromEntries(Object.entries(spec.fields).filter(([, a]) => given(args, a)).map(([field, a]) => [field, args[a]]));
  const form = new FormData();
  const raw = String(args[spec.file.arg]);
  const bytes = spec.file.encoding === 'base64' ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  const type = spec.file.typeArg && given(args, spec.file.typeArg) ? String(args[spec.file.typeArg]) : 'application/octet-stream';
  form.append('file', new Blob([bytes], { type }), String(args[spec.file.filenameArg]));
  for (const [field, a] of Object.entries(spec.fields ?? {})) {
    if (given(args, a)) form.append(field, typeof args[a] === 'object' ? JSON.stringify(args[a]) : String(args[a]));
  }
  return form;
}

/** The REST request of one tool call. */
export function buildRequest(decl: ToolDeclaration, args: Args): RestRequest {
  const query: RestRequest['query'] = {};
  for (const [param, a] of Object.entries(decl.query ?? {})) if (given(args, a)) query[param] = args[a] as string;
  return { method: decl.method, path: resolvePath(decl, args), query, body: buildBody(decl.body, args) };
}
