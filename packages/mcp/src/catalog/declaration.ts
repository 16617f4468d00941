// One MCP tool = one declaration: what the agent passes (a typed input schema), the one REST call it
// becomes (method, path template, query, body) and what comes back (an output schema). The executor
// (../executor.ts) runs any declaration, so adding a capability means adding a row, not a handler.
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** How the request body is built from the tool's arguments. */
export type BodySpec =
  /** A JSON object: REST field name → argument name (absent arguments are left out). */
  | { kind: 'json'; fields: Record<string, string> }
  /** The whole argument value is the JSON body (e.g. a trigger object as the REST API takes it). */
  | { kind: 'arg'; arg: string }
  /** multipart/form-data with one file part and optional text parts (objects are sent as JSON text). */
  | { kind: 'multipart'; file: { arg: string; encoding: 'base64' | 'utf8'; filenameArg: string; typeArg?: string }; fields?: Record<string, string> };

/** Call the path once per value of an argument (every value when it is left out) and gather each answer's list under the value. */
export interface GatherSpec {
  arg: string;
  values: readonly string[];
  /** The list field of each answer (`items`). */
  pick: string;
}

/**
 * An argument name of the reference MCP server (ros2_medkit_mcp) accepted in place of ours: a plain
 * rename (`fault_id` → `fault_code`), or a conversion when the reference passes the value in another
 * shape (`update_data: {stop: true}` → `capability: "stop"`). Applied before validation (../aliases.ts).
 */
export type ArgumentAlias =
  | string
  | {
      to: string;
      /** The alias's own input schema (the target's is used for a plain rename). */
      schema: z.ZodType;
      /** The target's value from the (schema-checked) alias value; throws ToolInputError when it has none. */
      convert: (value: unknown) => unknown;
    }
  | {
      /** One reference argument carrying several of ours (`lock_config: {lock_expiration, scopes}`, a bulk-data URI). */
      spread: readonly string[];
      schema: z.ZodType;
      /** Our arguments (a subset of `spread`; undefined values are left out) from the schema-checked alias value. */
      convert: (value: unknown) => Record<string, unknown>;
    };

/**
 * Another name of a tool: the reference server's name for the same REST call (`apps_get` for
 * entities_get on apps), served under both prefixes like the tool's own name, with what the
 * reference's arguments under that name mean here.
 */
export interface ReferenceName {
  name: string;
  /** The reference's argument names under this name, on top of the tool's own `aliases`. */
  aliases?: Readonly<Record<string, ArgumentAlias>>;
  /** Arguments the name itself implies (`area_get` → entity_type `areas`): not published; another value is refused. */
  fixed?: Readonly<Record<string, unknown>>;
  /** The reference's default under this name where it differs from ours (bulk data: entity_type `apps`). */
  defaults?: Readonly<Record<string, unknown>>;
  /** Arguments the reference requires under this name although our tool does not (`clear_all_faults` needs entity_id). */
  required?: readonly string[];
  /** Arguments the reference takes that change nothing here (its own client id, a local output directory): accepted, type-checked, not sent. */
  unused?: z.ZodRawShape;
}

/** Fill an absent argument from another GET before the call (e.g. a topic's message type from the data list). */
export interface LookupSpec {
  arg: string;
  /** Path template of the GET, filled from the arguments like `path`. */
  path: string;
  /** The value from the GET's answer, or undefined when it has none (the call then goes out without it). */
  find: (body: unknown, args: Record<string, unknown>) => unknown;
}

export interface ToolDeclaration {
  /** The name without its prefix: served as `sovd_<name>` and `ros2_medkit_<name>` (names.ts). */
  name: string;
  title: string;
  description: string;
  method: HttpMethod;
  /**
   * Path template(s) under the API base; `{arg}` is replaced by the percent-encoded argument. With several,
   * the first whose placeholders are all given is used (e.g. entity-scoped faults, else the global list).
   */
  path: string | readonly string[];
  input: z.ZodRawShape;
  /** Arguments sent as query parameters (REST name → argument name). */
  query?: Record<string, string>;
  body?: BodySpec;
  /** The answer's top-level fields (all optional: a result cut to size keeps its shape). */
  output: z.ZodRawShape;
  /** True for tools that change the robot or the gateway: MCP's destructive hint; the gateway checks the role. */
  mutating: boolean;
  /** `file`: a binary download of at most `max_bytes`, inline (base64) when it fits the answer, else saved (save-download.ts); `headers`: what a HEAD tells of a file (name, type, size). */
  response?: 'json' | 'file' | 'headers';
  /** Collect every link (`*_uri`, `*_url`, `href`) of the answer as absolute URLs under `x-medkit-mcp.links`. */
  links?: boolean;
  gather?: GatherSpec;
  /** Without `arg`, try each value in turn and answer with the first collection that holds the id (an entity by id alone). */
  firstFound?: { arg: string; values: readonly string[] };
  /** Keep only the listed items whose `fields` contain the argument's text (case-insensitive). */
  filter?: { arg: string; fields: readonly string[] };
  lookup?: LookupSpec;
  /** Reference argument names → ours (see ArgumentAlias). */
  aliases?: Readonly<Record<string, ArgumentAlias>>;
  /** The reference server's other names for this tool (see ReferenceName). */
  referenceNames?: readonly ReferenceName[];
}
