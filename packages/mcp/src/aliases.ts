// The reference MCP server's argument names (ros2_medkit_mcp: `fault_id`, `topic_name`, `operation_name`,
// `param_name`, `request_data`, …) accepted on our tools, so prompts written for it work unchanged under
// either name set. Each declaration lists its aliases once; here they are applied before validation
// (renamed to our names, converted where the reference passes another shape) and published in the input
// schema a client sees. As in the reference, an entity_id without entity_type means a component.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ArgumentAlias, ToolDeclaration } from './catalog/index.js';
import type { Args } from './request.js';
import { invalidArguments, invalidCombination, ToolInputError } from './tool-errors.js';

/** The collection an entity_id without entity_type refers to (the reference's default). */
export const DEFAULT_ENTITY_TYPE = 'components';

const targetOf = (alias: ArgumentAlias) => (typeof alias === 'string' ? alias : alias.to);

/** Tools whose entity_type is taken as `components` when only entity_id is given (not those that search every collection). */
function defaultsEntityType(decl: ToolDeclaration): boolean {
  return 'entity_type' in decl.input && 'entity_id' in decl.input && decl.firstFound?.arg !== 'entity_type';
}

export interface NormalizedArguments {
  args: Args;
  /** The name the caller used for each renamed argument (ours → alias), to name it in input errors. */
  callerName: (key: string) => string;
}

/**
 * The caller's arguments in our names: every alias renamed (or converted) to its target, entity_type
 * defaulted. A call giving an alias and its target with different values is refused (ToolInputError),
 * as is an alias whose own schema the value does not match.
 */
export function normalizeArguments(tool: string, decl: ToolDeclaration, raw: Args): NormalizedArguments {
  const args: Args = { ...raw };
  const used = new Map<string, string>();
  for (const [alias, spec] of Object.entries(decl.aliases ?? {})) {
    if (!Object.hasOwn(args, alias)) continue;
    const to = targetOf(spec);
    let value = args[alias];
    if (typeof spec !== 'string') {
      // Checked under the alias's name, so an error names the argument the caller gave.
      const checked = z.object({ [alias]: spec.schema }).safeParse({ [alias]: value });
      if (!checked.success) throw new ToolInputError(invalidArguments(tool, checked.error));
      value = spec.convert(checked.data[alias]);
    }
    if (args[to] !== undefined && !isDeepStrictEqual(args[to], value)) {
      throw new ToolInputError(invalidCombination(`${tool}: ${alias} and ${to} name the same argument but carry different values; give one of them`));
    }
    delete args[alias];
    args[to] = value;
    used.set(to, alias);
  }
  if (defaultsEntityType(decl) && args.entity_id !== undefined && args.entity_type === undefined) args.entity_type = DEFAULT_ENTITY_TYPE;
  return { args, callerName: (key) => used.get(key) ?? key };
}

/**
 * The input schema clients see: ours plus every alias (typed like its target), each aliased argument and
 * a defaulted entity_type optional. That one of an alias pair is needed is said in the descriptions and
 * checked by the server, not written as a top-level anyOf, which several agent hosts refuse in tool parameters.
 */
export function publishedInput(decl: ToolDeclaration): z.ZodObject {
  const shape: Record<string, z.ZodType> = { ...(decl.input as Record<string, z.ZodType>) };
  if (defaultsEntityType(decl)) {
    const type = shape.entity_type;
    shape.entity_type = type.optional().describe(`${type.description ?? 'entity collection'} (default: ${DEFAULT_ENTITY_TYPE} when entity_id is given)`);
  }
  for (const [alias, spec] of Object.entries(decl.aliases ?? {})) {
    const to = targetOf(spec);
    const target = shape[to];
    const required = !target.safeParse(undefined).success;
    const either = required ? ` (give ${to} or ${alias})` : '';
    shape[to] = target.optional().describe(`${target.description ?? to}${either}`);
    const own = typeof spec === 'string' ? (decl.input as Record<string, z.ZodType>)[to] : spec.schema;
    shape[alias] = own.optional().describe(`the reference MCP server's name for ${to}${typeof spec === 'string' ? '' : ` (${own.description ?? 'converted'})`}`);
  }
  return z.object(shape).strict();
}
