/**
 * Parses `.msg` texts with @foxglove/rosmsg (ROS 2 mode) and resolves nested types to canonical
 * names, recursively, caching each resolved type. Unknown dependencies and cycles become errors that
 * name the type, never a crash.
 */
import { createRequire } from 'node:module';
import type * as Rosmsg from '@foxglove/rosmsg';
import { rosTypeToDds } from '../names/dds-types.js';
import { TypeDefinitionError, UnknownTypeError } from './errors.js';
import type { DefinitionStore } from './definition-store.js';
import type { MessageDefinition, MessageDefinitionField, MessageType } from './model.js';

// CommonJS, loaded with require(): an import makes Node.js scan the package's whole source for its export names,
// a good part of the gateway's start-up CPU on Node.js 20 (issue 69). Same module object either way.
const { parse } = createRequire(import.meta.url)('@foxglove/rosmsg') as typeof Rosmsg;

/** The parser's shorthands for the builtin_interfaces types. */
const SHORTHANDS: Readonly<Record<string, string>> = {
  time: 'builtin_interfaces/msg/Time',
  duration: 'builtin_interfaces/msg/Duration',
};

/** Parses one `.msg` text into its fields (types as written). Throws the parser's error. */
export function parseMsgText(text: string): MessageDefinitionField[] {
  const defs = parse(text, { ros2: true, skipTypeFixup: true });
  return defs[0]?.definitions ?? [];
}

export class TypeResolver {
  readonly #cache = new Map<string, MessageType>();
  readonly #failures = new Map<string, Error>();

  constructor(readonly store: DefinitionStore) {}

  /** Forgets every resolved type (after a registration changed what a name means). */
  clear(): void {
    this.#cache.clear();
    this.#failures.clear();
  }

  /** Resolves a canonical message-like name. Throws {@link UnknownTypeError} or {@link TypeDefinitionError}. */
  resolve(name: string): MessageType {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const failed = this.#failures.get(name);
    if (failed) throw failed;
    try {
      return this.#resolve(name, []);
    } catch (err) {
      if (err instanceof UnknownTypeError || err instanceof TypeDefinitionError) this.#failures.set(name, err);
      throw err;
    }
  }

  #resolve(name: string, stack: readonly string[]): MessageType {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    if (stack.includes(name)) {
      throw new TypeDefinitionError(stack[0], 'resolution', `cyclic type reference ${[...stack, name].join(' -> ')}`);
    }
    const found = this.store.messageText(name);
    let parsed: MessageDefinitionField[];
    try {
      parsed = parseMsgText(found.text);
    } catch (err) {
      throw new TypeDefinitionError(name, found.origin, (err as Error).message);
    }
    const pkg = name.slice(0, name.indexOf('/'));
    const all: MessageDefinitionField[] = [];
    const nested: MessageType[] = [];
    for (const raw of parsed) {
      const field = this.#canonicalField(raw, pkg);
      if (field.isComplex === true && field.isConstant !== true) {
        try {
          nested.push(this.#resolve(field.type, [...stack, name]));
        } catch (err) {
          if (!(err instanceof UnknownTypeError)) throw err;
          throw new UnknownTypeError(name, `field '${field.name}' needs ${err.typeName}: ${err.reason}`);
        }
      }
      all.push(field);
    }
    const definitions: MessageDefinition[] = [{ name, definitions: all }];
    const seen = new Set([name]);
    for (const dep of nested) {
      for (const def of dep.definitions) {
        if (!seen.has(def.name ?? '')) {
          seen.add(def.name ?? '');
          definitions.push(def);
        }
      }
    }
    const graph = new Map(definitions.map((d) => [d.name ?? '', d.definitions.filter((f) => f.isConstant !== true)]));
    const type: MessageType = {
      name,
      ddsName: rosTypeToDds(name),
      fields: all.filter((f) => f.isConstant !== true),
      constants: all.filter((f) => f.isConstant === true),
      definitions,
      graph,
      origin: found.origin,
      text: found.text,
    };
    this.#cache.set(name, type);
    return type;
  }

  /** Rewrites a parsed field's type to its canonical form (`Point` in geometry_msgs → `geometry_msgs/msg/Point`). */
  #canonicalField(field: MessageDefinitionField, pkg: string): MessageDefinitionField {
    const shorthand = SHORTHANDS[field.type];
    if (shorthand) return { ...field, type: shorthand, isComplex: true };
    if (field.isComplex !== true) return field;
    const parts = field.type.split('/');
    let type: string;
    if (parts.length === 3) type = field.type;
    else if (parts.length === 2) type = `${parts[0]}/msg/${parts[1]}`;
    else type = `${pkg}/msg/${field.type}`;
    // ROS 1 habit kept by some packages: a bare `Header` means std_msgs' Header.
    if (parts.length === 1 && field.type === 'Header' && !this.#exists(type)) type = 'std_msgs/msg/Header';
    return { ...field, type };
  }

  #exists(name: string): boolean {
    try {
      this.store.messageText(name);
      return true;
    } catch {
      return false;
    }
  }
}
