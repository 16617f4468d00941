/**
 * The type registry: ROS 2 message, service and action definitions by ROS type name, loaded lazily
 * from registered texts, AMENT_PREFIX_PATH and the bundled `interfaces/` folder (in that order), with
 * CDR (de)serialization, JSON Schema and validation of the JSON form on top.
 */
import { classifyType, normalizeRosTypeName, parseRosTypeName, type InterfaceKind } from '../names/dds-types.js';
import { MessageCodec, type Decoded, type DecodeOptions } from './codec.js';
import { DefinitionStore } from './definition-store.js';
import { TypeDefinitionError, UnknownTypeError, type ValidationIssue } from './errors.js';
import { SECTION_COUNT, splitSections } from './interface-files.js';
import { jsonToWire, wireToJson } from './json-codec.js';
import { messageJsonSchema, type JsonSchema, type JsonSchemaOptions } from './json-schema.js';
import type { ActionType, MessageType, ServiceType, TypeLookup } from './model.js';
import { parseMsgText, TypeResolver } from './resolver.js';
import { amentSources, bundledInterfacesDir, DirectorySource, type DefinitionSource } from './sources.js';
import { typeDescriptionToMsgTexts, type TypeDescription } from './type-description.js';
import { rihs01, serviceTypeDescriptionOf, typeDescriptionOf } from './type-hash.js';
import { validateMessage } from './validate.js';

/** Options of {@link TypeRegistry}. */
export interface TypeRegistryOptions {
  /** `:`-separated install prefixes searched in `<prefix>/share/<pkg>/<kind>/`; default `process.env.AMENT_PREFIX_PATH`. */
  amentPrefixPath?: string;
  /** Extra folders laid out `<pkg>/<kind>/<Name>.<kind>` (an operator's own `.msg` files); searched after AMENT_PREFIX_PATH. */
  searchPaths?: readonly string[];
  /** Use the definitions shipped in this package (default true); they come last, so installed ones win. */
  includeBundled?: boolean;
}

let defaultRegistry: TypeRegistry | undefined;

/** Type hashes remembered per registry (a graph rarely has more types; past this the memo starts over). */
const MAX_REMEMBERED_HASHES = 4096;

/**
 * ROS 2 interface types by name (`pkg/msg/Name`, `pkg/srv/Name`, `pkg/action/Name`; the short form
 * `pkg/Name` and DDS names `pkg::msg::dds_::Name_` are accepted too). Unknown types give
 * `undefined` / `{known: false}` from the lookup methods and {@link UnknownTypeError} from the
 * methods that need a type; nothing crashes on a bad name or a bad payload.
 */
export class TypeRegistry {
  readonly #options: TypeRegistryOptions;
  readonly #store: DefinitionStore;
  readonly #resolver: TypeResolver;
  readonly #codecs = new Map<string, MessageCodec>();
  readonly #hashes = new Map<string, string>();
  /** Registered texts in order, so {@link withOverrides} can replay them. */
  readonly #registered: Array<[string, string, string]> = [];

  /** A shared registry built from the process environment on first use. */
  static default(): TypeRegistry {
    defaultRegistry ??= new TypeRegistry();
    return defaultRegistry;
  }

  constructor(opts: TypeRegistryOptions = {}) {
    this.#options = opts;
    const sources: DefinitionSource[] = [
      ...amentSources(opts.amentPrefixPath ?? process.env.AMENT_PREFIX_PATH),
      ...(opts.searchPaths ?? []).map((dir) => new DirectorySource(dir, `path:${dir}`)),
    ];
    if (opts.includeBundled !== false) sources.push(new DirectorySource(bundledInterfacesDir(), 'bundled'));
    this.#store = new DefinitionStore(sources);
    this.#resolver = new TypeResolver(this.#store);
  }

  /** True when the type (message, service or action) is known and all it depends on resolves. */
  has(type: string): boolean {
    return this.lookup(type).known;
  }

  /** Looks a type up without throwing: its kind and resolved form, or why it is not known. */
  lookup(type: string): TypeLookup {
    const name = normalizeRosTypeName(type);
    if (!name) return { known: false, reason: `'${type}' is not a ROS type name (expected pkg/msg|srv|action/Name)` };
    try {
      const kind = this.#kindOf(name);
      if (kind === 'msg') return { known: true, kind, message: this.#resolver.resolve(name) };
      if (kind === 'srv') return { known: true, kind, service: this.#service(name) };
      return { known: true, kind, action: this.#action(name) };
    } catch (err) {
      if (err instanceof UnknownTypeError || err instanceof TypeDefinitionError) return { known: false, reason: err.message };
      throw err;
    }
  }

  /** `msg` for message-like types (including `pkg/srv/X_Request`, `pkg/action/X_Goal` …), `srv`, `action`, or `undefined` if unknown. */
  resolveKind(type: string): InterfaceKind | undefined {
    const found = this.lookup(type);
    return found.known ? found.kind : undefined;
  }

  /** A message-like type, or `undefined`. */
  message(type: string): MessageType | undefined {
    const found = this.lookup(type);
    return found.known && found.kind === 'msg' ? found.message : undefined;
  }

  /** A service (`pkg/srv/X`, or an action's `pkg/action/X_SendGoal` / `X_GetResult`), or `undefined`. */
  service(type: string): ServiceType | undefined {
    const found = this.lookup(type);
    return found.known && found.kind === 'srv' ? found.service : undefined;
  }

  /** An action with its derived wrapper types, or `undefined`. */
  action(type: string): ActionType | undefined {
    const found = this.lookup(type);
    return found.known && found.kind === 'action' ? found.action : undefined;
  }

  /** A message-like type; throws {@link UnknownTypeError} (or {@link TypeDefinitionError}) when it cannot be had. */
  requireMessage(type: string): MessageType {
    const name = normalizeRosTypeName(type);
    if (!name) throw new UnknownTypeError(type, 'not a ROS type name (expected pkg/msg|srv|action/Name)');
    if (this.#kindOf(name) !== 'msg') {
      throw new UnknownTypeError(name, `not a message; use its parts (e.g. ${name}_Request or ${name}_Goal)`);
    }
    return this.#resolver.resolve(name);
  }

  /**
   * Serializes a JSON-form value (README-types.md): CDR little endian with the 4-byte encapsulation
   * header, padded to a multiple of 4. Missing fields take their defaults. Throws
   * {@link ValidationError} naming every bad field, {@link UnknownTypeError} for unknown types.
   */
  serialize(type: string, value: unknown): Uint8Array {
    return this.#codec(type).encode(value);
  }

  /**
   * Deserializes a payload that starts with its encapsulation header (CDR_LE or CDR_BE) into the
   * JSON form. Throws {@link UnsupportedEncodingError} (XCDR2, parameter lists), {@link CdrDecodeError}
   * (truncated or mismatched payload), {@link UnknownTypeError}.
   */
  deserialize(type: string, bytes: Uint8Array, opts?: DecodeOptions): Record<string, unknown> {
    return this.#codec(type).decode(bytes, opts).value;
  }

  /** Like {@link deserialize}, and also says how many bytes the type used and how many were left. */
  decode(type: string, bytes: Uint8Array, opts?: DecodeOptions): Decoded {
    return this.#codec(type).decode(bytes, opts);
  }

  /** JSON Schema (draft 2020-12) of a message-like type's JSON form. */
  jsonSchema(type: string, opts?: JsonSchemaOptions): JsonSchema {
    return messageJsonSchema(this.requireMessage(type), opts);
  }

  /** Problems of a JSON-form value for a message-like type, each with its JSON pointer; empty when valid. */
  validate(type: string, value: unknown): ValidationIssue[] {
    const t = this.requireMessage(type);
    return validateMessage(value, t.fields, t.graph);
  }

  /** The JSON form of a message with every field at its default. */
  defaultValue(type: string): Record<string, unknown> {
    const t = this.requireMessage(type);
    return wireToJson(jsonToWire({}, t.fields, t.graph), t.fields, t.graph);
  }

  /**
   * The type_description_interfaces/msg/TypeDescription of a message-like type (what a node's
   * `~/get_type_description` answers; default values are left empty), or of a service
   * (`pkg/srv/X`, an action's `X_SendGoal` / `X_GetResult`) with its implicit `X_Event`.
   */
  typeDescription(type: string): TypeDescription {
    const resolve = (name: string) => this.#resolver.resolve(name);
    const name = normalizeRosTypeName(type);
    if (name && this.#kindOf(name) === 'srv') {
      const srv = this.#service(name);
      return serviceTypeDescriptionOf(srv.name, srv.request, srv.response, resolve);
    }
    return typeDescriptionOf(this.requireMessage(type), resolve);
  }

  /**
   * The RIHS01 type hash (`RIHS01_<64 hex>`) of a message-like type or a service: what Iron+ endpoints
   * announce in USER_DATA. Remembered until a registration changes what a name means.
   */
  typeHash(type: string): string {
    let hash = this.#hashes.get(type);
    if (hash === undefined) {
      hash = rihs01(this.typeDescription(type));
      if (this.#hashes.size >= MAX_REMEMBERED_HASHES) this.#hashes.clear();
      this.#hashes.set(type, hash);
    }
    return hash;
  }

  /**
   * Adds (or replaces) a definition: `.msg` text for `pkg/msg/X` (rosbag2-style concatenations with
   * `MSG: pkg/msg/Y` sections register those too), `.srv` text for `pkg/srv/X`, `.action` text for
   * `pkg/action/X`. Registered texts win over files. Dependencies may be registered later. Returns the
   * names registered; throws {@link TypeDefinitionError} on text that does not parse.
   */
  registerDefinition(type: string, text: string, origin = 'registered'): string[] {
    const name = normalizeRosTypeName(type);
    if (!name) throw new TypeDefinitionError(type, origin, 'not a ROS type name (expected pkg/msg|srv|action/Name)');
    const kind = parseRosTypeName(name)?.kind ?? 'msg';
    const entries = this.#checkText(name, kind, text, origin);
    for (const [n, t] of entries) {
      this.#store.register(n, t, origin);
      this.#registered.push([n, t, origin]);
    }
    this.#invalidate();
    return entries.map(([n]) => n);
  }

  /**
   * Registers every type of a type_description_interfaces/msg/TypeDescription (docs/ros2.md), e.g. the
   * answer of a node's `~/get_type_description`. Service and action wrapper entries are skipped: their
   * parts (`_Request`, `_Goal` …) are what gets registered. Returns the names registered.
   */
  registerFromTypeDescription(desc: TypeDescription, origin = 'type description'): string[] {
    const out: string[] = [];
    for (const [typeName, text] of typeDescriptionToMsgTexts(desc)) {
      const name = normalizeRosTypeName(typeName);
      if (!name) throw new TypeDefinitionError(typeName, origin, 'not a ROS type name');
      if (parseRosTypeName(name)?.kind !== 'msg' && classifyType(name) === undefined) continue;
      try {
        parseMsgText(text);
      } catch (err) {
        throw new TypeDefinitionError(name, origin, (err as Error).message);
      }
      this.#store.register(name, text, origin);
      this.#registered.push([name, text, origin]);
      out.push(name);
    }
    this.#invalidate();
    return out;
  }

  /** Every `pkg/kind/Name` with a definition (registered or in a searched folder), sorted; not resolved. */
  listTypes(): string[] {
    return this.#store.list();
  }

  /**
   * A new registry with the same sources and registrations plus `definitions` on top (type name →
   * text). Used to read one payload with another distribution's layout (see gid-variants.ts).
   */
  withOverrides(definitions: Readonly<Record<string, string>>): TypeRegistry {
    const copy = new TypeRegistry(this.#options);
    for (const [name, text, origin] of this.#registered) {
      copy.#store.register(name, text, origin);
      copy.#registered.push([name, text, origin]);
    }
    for (const [name, text] of Object.entries(definitions)) copy.registerDefinition(name, text, 'override');
    return copy;
  }

  #kindOf(name: string): InterfaceKind {
    const kind = parseRosTypeName(name)?.kind ?? 'msg';
    if (kind === 'msg') return 'msg';
    if (classifyType(name) !== undefined) return 'msg'; // a part: X_Request, X_Goal, X_FeedbackMessage …
    if (kind === 'action' && /_(SendGoal|GetResult)$/.test(name)) return 'srv';
    return kind;
  }

  #service(name: string): ServiceType {
    return { name, request: this.#resolver.resolve(`${name}_Request`), response: this.#resolver.resolve(`${name}_Response`) };
  }

  #action(name: string): ActionType {
    return {
      name,
      goal: this.#resolver.resolve(`${name}_Goal`),
      result: this.#resolver.resolve(`${name}_Result`),
      feedback: this.#resolver.resolve(`${name}_Feedback`),
      sendGoal: this.#service(`${name}_SendGoal`),
      getResult: this.#service(`${name}_GetResult`),
      feedbackMessage: this.#resolver.resolve(`${name}_FeedbackMessage`),
      cancelGoal: this.#service('action_msgs/srv/CancelGoal'),
      status: this.#resolver.resolve('action_msgs/msg/GoalStatusArray'),
    };
  }

  #codec(type: string): MessageCodec {
    const message = this.requireMessage(type);
    let codec = this.#codecs.get(message.name);
    if (!codec) {
      codec = new MessageCodec(message);
      this.#codecs.set(message.name, codec);
    }
    return codec;
  }

  /** Splits and parse-checks a text to register; returns `[name, msg-or-interface text]` pairs. */
  #checkText(name: string, kind: InterfaceKind, text: string, origin: string): Array<[string, string]> {
    const sections = kind === 'msg' ? splitConcatenated(text) : splitSections(text).map((s) => ['', s] as [string, string]);
    if (kind !== 'msg' && sections.length !== SECTION_COUNT[kind]) {
      throw new TypeDefinitionError(name, origin, `a ${kind} needs ${SECTION_COUNT[kind]} sections separated by ---, found ${sections.length}`);
    }
    for (const [sub, section] of sections) {
      try {
        parseMsgText(section);
      } catch (err) {
        throw new TypeDefinitionError(sub || name, origin, (err as Error).message);
      }
    }
    if (kind !== 'msg') return [[name, text]];
    return sections.map(([sub, section], i) => [i === 0 ? name : sub, section]);
  }

  #invalidate(): void {
    this.#resolver.clear();
    this.#codecs.clear();
    this.#hashes.clear();
  }
}

/**
 * Splits a rosbag2/MCAP-style concatenated definition (`====` lines, then `MSG: pkg/msg/Y`) into
 * `[name, text]` pairs; the first pair is the main type (name `''`).
 */
function splitConcatenated(text: string): Array<[string, string]> {
  const parts = text.split(/^=+\s*$/m);
  const out: Array<[string, string]> = [['', parts[0]]];
  for (const part of parts.slice(1)) {
    const m = /^\s*MSG:\s*(\S+)[^\n]*\n?([\s\S]*)$/.exec(part);
    const name = m && normalizeRosTypeName(m[1]);
    if (name) out.push([name, m[2]]);
  }
  return out;
}
