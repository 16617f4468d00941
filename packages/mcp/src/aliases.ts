// The reference MCP server's argument names (ros2_medkit_mcp: `fault_id`, `topic_name`, `operation_name`,
// `param_name`, `request_data`, …) accepted on our tools, so prompts written for it work unchanged under
// either name set. Each declaration lists its aliases once; here they are applied before validation
// (renamed to our names, converted where the reference passes another shape) and published in the input
// schema a client sees. As in the reference, an entity_id without entity_type means a component. A
// reference name of a tool (ReferenceName) adds its own aliases, implied and default arguments.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ArgumentAlias, ReferenceName, ToolDeclaration } from './catalog/index.js';
import type { Args } from './request.js';
import { invalidArguments, invalidCombination, ToolInputError } from './tool-errors.js';

/** The collection an entity_id without entity_type refers to (the reference's default). */
const DEFAULT_ENTITY_TYPE = 'components';

/** Our arguments an alias stands for. */
export const targetsOf = (alias: ArgumentAlias): readonly string[] => (typeof alias === 'string' ? [alias] : 'spread' in alias ? alias.spread : [alias.to]);

/** Tools whose entity_type is taken as `components` when only entity_id is given (not those that search every collection). */
function defaultsEntityType(decl: ToolDeclaration): boolean {
  return 'entity_type' in decl.input && 'entity_id' in decl.input && decl.firstFound?.arg !== 'entity_type';
}

/** The aliases in force under a name: the tool's own and the reference name's. */
const aliasesOf = (decl: ToolDeclaration, ref?: ReferenceName) => ({ ...decl.aliases, ...ref?.aliases });

/** Our arguments from one alias's value: renamed, converted or spread over several of ours. */
function resolveAlias(tool: string, alias: string, spec: ArgumentAlias, value: unknown): Record<string, unknown> {
  if (typeof spec === 'string') return { [spec]: value };
  // Checked under the alias's name, so an error names the argument the caller gave.
  const checked = z.object({ [alias]: spec.schema }).safeParse({ [alias]: value });
  if (!checked.success) throw new ToolInputError(invalidArguments(tool, checked.error));
  return 'spread' in spec ? spec.convert(checked.data[alias]) : { [spec.to]: spec.convert(checked.data[alias]) };
}

interface NormalizedArguments {
  args: Args;
  /** The name the caller used for each renamed argument (ours → alias), to name it in input errors. */
  callerName: (key: string) => string;
}

/**
 * The caller's arguments in our names: what the name implies set, every alias renamed (or converted) to
 * its target, defaults filled. A call giving an alias and its target with different values is refused
 * (ToolInputError), as is an alias whose own schema the value does not match and an implied argument
 * given with another value.
 */
export function normalizeArguments(tool: string, decl: ToolDeclaration, raw: Args, ref?: ReferenceName): NormalizedArguments {
  const args: Args = { ...raw };
  const used = new Map<string, string>();
  for (const [key, value] of Object.entries(ref?.fixed ?? {})) {
    if (args[key] !== undefined && !isDeepStrictEqual(args[key], value)) {
      throw new ToolInputError(invalidCombination(`${tool}: ${key} is ${JSON.stringify(value)} under this name; leave it out or call ${decl.name}`));
    }
    args[key] = value;
  }
  for (const [alias, spec] of Object.entries(aliasesOf(decl, ref))) {
    if (!Object.hasOwn(args, alias)) continue;
    const value = args[alias];
    // Removed first: an alias may carry the name of its target in another shape (a control object for its action).
    delete args[alias];
    const spread = typeof spec !== 'string' && 'spread' in spec;
    for (const [to, v] of Object.entries(resolveAlias(tool, alias, spec, value))) {
      if (v === undefined) continue;
      if (args[to] !== undefined && !isDeepStrictEqual(args[to], v)) {
        throw new ToolInputError(invalidCombination(`${tool}: ${alias} and ${to} name the same argument but carry different values; give one of them`));
      }
      args[to] = v;
      used.set(to, spread ? `${alias} (${to})` : alias);
    }
  }
  for (const [key, value] of Object.entries(ref?.defaults ?? {})) if (args[key] === undefined) args[key] = value;
  if (defaultsEntityType(decl) && args.entity_id !== undefined && args.entity_type === undefined) args.entity_type = DEFAULT_ENTITY_TYPE;
  return { args, callerName: (key) => used.get(key) ?? key };
}

const unwrapOptional = (schema: z.ZodType): z.ZodType => (schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema);

/** What normalized arguments are checked against: the tool's input, a reference name's unused arguments, its required ones required. */
export function checkedInput(decl: ToolDeclaration, ref?: ReferenceName): z.ZodObject {
  const shape: Record<string, z.ZodType> = { ...(decl.input as Record<string, z.ZodType>), ...(ref?.unused as Record<string, z.ZodType> | undefined) };
  for (const key of ref?.required ?? []) shape[key] = unwrapOptional(shape[key]);
  // Strict: a misspelt argument is an error, not silently dropped.
  return z.object(shape).strict();
}

/**
 * The input schema clients see: ours plus every alias (typed like its target), each aliased argument and
 * a defaulted argument optional; under a reference name without what the name implies. That one of an
 * alias pair is needed is said in the descriptions and checked by the server, not written as a top-level
 * anyOf, which several agent hosts refuse in tool parameters.
 */
export function publishedInput(decl: ToolDeclaration, ref?: ReferenceName): z.ZodObject {
  const shape: Record<string, z.ZodType> = { ...(decl.input as Record<string, z.ZodType>), ...(ref?.unused as Record<string, z.ZodType> | undefined) };
  for (const key of Object.keys(ref?.fixed ?? {})) delete shape[key];
  const defaults: Record<string, unknown> = { ...(defaultsEntityType(decl) && shape.entity_type ? { entity_type: DEFAULT_ENTITY_TYPE } : {}), ...ref?.defaults };
  for (const [key, value] of Object.entries(defaults)) {
    const type = shape[key];
    const when = key === 'entity_type' ? ' when entity_id is given' : '';
    shape[key] = type.optional().describe(`${type.description ?? key} (default: ${String(value)}${when})`);
  }
  for (const [alias, spec] of Object.entries(aliasesOf(decl, ref))) {
    const targets = targetsOf(spec);
    for (const to of targets) {
      const target = shape[to];
      // Only a required target changes: the alias may now stand in for it.
      if (!target || target.safeParse(undefined).success) continue;
      shape[to] = target.optional().describe(`${target.description ?? to} (give ${to} or ${alias})`);
    }
    const own = typeof spec === 'string' ? (decl.input as Record<string, z.ZodType>)[spec] : spec.schema;
    const what = `${targets.includes(alias) ? 'form of' : 'name for'} ${targets.join(', ')}`;
    shape[alias] = own.optional().describe(`the reference MCP server's ${what}${typeof spec === 'string' ? '' : ` (${own.description ?? 'converted'})`}`);
  }
  for (const key of ref?.required ?? []) shape[key] = unwrapOptional(shape[key]);
  return z.object(shape).strict();
}
