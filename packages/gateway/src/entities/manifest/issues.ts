/**
 * Manifest load problems, each pinned to a file, a line and a rule code (docs/manifest.md).
 */

/**
 * `error` fails the load; `warning` fails it only under strict validation; `advisory` is logged and never
 * fails (R014, R015, unknown keys, a missing CSV inventory).
 */
export type IssueSeverity = 'error' | 'warning' | 'advisory';

/** Rule codes beyond R001–R015. */
export const RULE = {
  /** YAML syntax error. */
  yaml: 'YAML',
  /** File missing, unreadable or too large. */
  io: 'IO',
  /** A key has the wrong kind of value, or a required key is missing. */
  schema: 'SCHEMA',
  /** Entity id not 1–256 characters of [A-Za-z0-9_-] ([OURS]). */
  idFormat: 'ID_FORMAT',
  /** Unknown key (ignored). */
  unknownKey: 'UNKNOWN_KEY',
  /** A fragment sets a key fragments may not set. */
  fragmentForbidden: 'FRAGMENT_FORBIDDEN_FIELD',
  /** A fragment file could not be used (too large, escapes the directory, not a map). */
  fragment: 'FRAGMENT',
  /** CSV inventory problems. */
  inventory: 'INVENTORY',
} as const;

/** Where something was written. Line numbers start at 1; 0 means "the file as a whole". */
export interface SourceLoc {
  file: string;
  line: number;
}

export interface ManifestIssue extends SourceLoc {
  /** `R001`…`R015` or one of {@link RULE}. */
  rule: string;
  message: string;
  severity: IssueSeverity;
}

/** `manifest.yaml:42: R007 app 'x' ...` */
export function formatIssue(i: ManifestIssue): string {
  return `${i.file}:${i.line}: ${i.rule} ${i.message}`;
}

/** Collects issues during one load. */
export class IssueSink {
  readonly items: ManifestIssue[] = [];

  add(severity: IssueSeverity, loc: SourceLoc, rule: string, message: string): void {
    this.items.push({ file: loc.file, line: loc.line, rule, message, severity });
  }
  error(loc: SourceLoc, rule: string, message: string): void {
    this.add('error', loc, rule, message);
  }
  warning(loc: SourceLoc, rule: string, message: string): void {
    this.add('warning', loc, rule, message);
  }
  advisory(loc: SourceLoc, rule: string, message: string): void {
    this.add('advisory', loc, rule, message);
  }
  hasErrors(): boolean {
    return this.items.some((i) => i.severity === 'error');
  }
}

/** Thrown when a manifest cannot be used; the message lists every failing issue, one per line. */
export class ManifestError extends Error {
  readonly code: string = 'manifest-invalid';
  readonly errors: ManifestIssue[];
  readonly warnings: ManifestIssue[];

  constructor(errors: ManifestIssue[], warnings: ManifestIssue[] = []) {
    const head = `manifest failed to load (${errors.length} error${errors.length === 1 ? '' : 's'})`;
    super([head, ...errors.map((e) => '  ' + formatIssue(e))].join('\n'));
    this.name = 'ManifestError';
    this.errors = errors;
    this.warnings = warnings;
  }
}
