/**
 * Finds the `.msg` text of any message-like type: registered texts first, then the folder sources in
 * order. Service and action parts are cut out of their `.srv` / `.action` file; action wrappers are
 * generated once the action itself is known.
 */
import { classifyType, parseRosTypeName, type InterfaceKind } from '../names/dds-types.js';
import { UnknownTypeError } from './errors.js';
import { actionWrapperText, SECTION_COUNT, SECTION_OF_ROLE, splitSections } from './interface-files.js';
import type { DefinitionSource, FoundText } from './sources.js';

export class DefinitionStore {
  /** Registered texts by canonical name: messages (`pkg/srv/X_Request` included) and whole srv/action files. */
  readonly #memory = new Map<string, FoundText>();

  constructor(readonly sources: readonly DefinitionSource[]) {}

  /** Stores a text under a canonical name; it wins over every folder source. */
  register(name: string, text: string, origin: string): void {
    this.#memory.set(name, { text, origin });
  }

  /** The whole `.msg`/`.srv`/`.action` text of `pkg/kind/name`, or `undefined`. */
  interfaceText(pkg: string, kind: InterfaceKind, name: string): FoundText | undefined {
    const registered = this.#memory.get(`${pkg}/${kind}/${name}`);
    if (registered) return registered;
    for (const source of this.sources) {
      const found = source.find(pkg, kind, name);
      if (found) return found;
    }
    return undefined;
  }

  /** The `.msg` text of a message-like type (canonical name). Throws {@link UnknownTypeError}. */
  messageText(name: string): FoundText {
    const t = parseRosTypeName(name);
    if (!t) throw new UnknownTypeError(name, 'not a ROS type name (expected pkg/msg|srv|action/Name)');
    if (t.kind === 'msg') {
      return this.interfaceText(t.pkg, 'msg', t.name) ?? this.#missing(name, `no ${t.pkg}/msg/${t.name}.msg`);
    }
    const registered = this.#memory.get(name);
    if (registered) return registered;
    const role = classifyType(name);
    if (!role || role.role === 'message' || role.role === 'event') {
      throw new UnknownTypeError(name, `a ${t.kind} type is used through its parts (e.g. ${name}_Request)`);
    }
    const base = 'service' in role ? role.service : role.action;
    const baseName = base.slice(base.lastIndexOf('/') + 1);
    const file = this.interfaceText(t.pkg, t.kind, baseName) ?? this.#missing(name, `no ${base}.${t.kind}`);
    const wrapper = actionWrapperText(base, role.role);
    if (wrapper !== undefined) return { text: wrapper, origin: `derived from ${base} (${file.origin})` };
    const sections = splitSections(file.text);
    if (sections.length !== SECTION_COUNT[t.kind]) {
      throw new UnknownTypeError(name, `${base} (${file.origin}) has ${sections.length} sections, expected ${SECTION_COUNT[t.kind]}`);
    }
    return { text: sections[SECTION_OF_ROLE[role.role]], origin: file.origin };
  }

  /** Every `pkg/kind/Name` known to the registered texts and the sources, sorted. */
  list(): string[] {
    const all = new Set<string>(this.#memory.keys());
    for (const source of this.sources) for (const name of source.list()) all.add(name);
    return [...all].sort();
  }

  #missing(name: string, what: string): never {
    const where = ['registered', ...this.sources.map((s) => s.label)].join(', ');
    throw new UnknownTypeError(name, `${what} (searched: ${where})`);
  }
}
