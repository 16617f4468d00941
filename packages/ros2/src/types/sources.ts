/**
 * Where interface definition texts come from: folders laid out `<root>/<pkg>/<msg|srv|action>/<Name>.<ext>`
 * (the bundled `interfaces/` folder, `share/` of each AMENT_PREFIX_PATH prefix, operator folders) and
 * texts registered at run time. Files are read on demand, never scanned up front.
 */
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InterfaceKind } from '../names/dds-types.js';

// Not `import … from 'node:fs'`: an ES module importing node:fs makes Node.js read every export of it, and its lazy
// stream getters load fs/streams, which a gateway rarely needs (about 25 ms of start-up CPU on Node.js 24; issue 69).
const { existsSync, readdirSync, readFileSync, statSync } = process.getBuiltinModule('node:fs');

/** A definition text and a short label of where it was found. */
export interface FoundText {
  text: string;
  origin: string;
}

/** A read-only place to look up interface files. */
export interface DefinitionSource {
  /** Short description used in `origin` and error messages. */
  readonly label: string;
  /** The text of `<pkg>/<kind>/<name>.<kind>`, or `undefined` when this source has no such file. */
  find(pkg: string, kind: InterfaceKind, name: string): FoundText | undefined;
  /** Every `pkg/kind/Name` this source holds. */
  list(): string[];
}

/** A folder of interface files laid out `<root>/<pkg>/<kind>/<Name>.<kind>`. */
export class DirectorySource implements DefinitionSource {
  constructor(
    readonly root: string,
    readonly label: string,
  ) {}

  find(pkg: string, kind: InterfaceKind, name: string): FoundText | undefined {
    const file = join(this.root, pkg, kind, `${name}.${kind}`);
    try {
      return { text: readFileSync(file, 'utf8'), origin: this.label };
    } catch {
      return undefined; // absent or unreadable: not this source's type
    }
  }

  list(): string[] {
    const out: string[] = [];
    for (const pkg of safeReaddir(this.root)) {
      for (const kind of ['msg', 'srv', 'action'] as const) {
        for (const file of safeReaddir(join(this.root, pkg, kind))) {
          if (file.endsWith(`.${kind}`)) out.push(`${pkg}/${kind}/${file.slice(0, -kind.length - 1)}`);
        }
      }
    }
    return out;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}

/** The interface files shipped with this package (`packages/ros2/interfaces`, next to `src/` and `dist/`). */
export function bundledInterfacesDir(): string {
  // src/types/sources.ts and dist/types/sources.js are both two levels below the package root.
  return fileURLToPath(new URL('../../interfaces/', import.meta.url));
}

/** One source per prefix of an AMENT_PREFIX_PATH-style list (`<prefix>/share/<pkg>/msg/...`), in order. */
export function amentSources(prefixPath: string | undefined): DirectorySource[] {
  if (!prefixPath) return [];
  return prefixPath
    .split(delimiter)
    .filter((p) => p.length > 0)
    .map((p) => join(p, 'share'))
    .filter((dir) => existsSync(dir))
    .map((dir) => new DirectorySource(dir, `ament:${dir}`));
}
