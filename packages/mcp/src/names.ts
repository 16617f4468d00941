// The two name sets every tool is served under: `sovd_*` (the reference MCP server's names until 2026,
// which existing prompts use) and `ros2_medkit_*` (its names since). Both come from one declaration, and
// so do the reference's other names for the same call (a declaration's referenceNames).
import type { ToolDeclaration } from './catalog/index.js';

export const NAME_PREFIXES = ['sovd_', 'ros2_medkit_'] as const;

/** Every served name of a declaration, in NAME_PREFIXES order. */
export function servedNames(name: string): string[] {
  return NAME_PREFIXES.map((p) => `${p}${name}`);
}

/** Every name a declaration answers to: its own and each of its reference names, under both prefixes. */
export function declarationNames(decl: Pick<ToolDeclaration, 'name' | 'referenceNames'>): string[] {
  return [decl.name, ...(decl.referenceNames ?? []).map((r) => r.name)].flatMap(servedNames);
}
