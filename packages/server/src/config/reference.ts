// Renders the configuration reference (docs/configuration.md) from the key descriptors, so the
// document cannot fall behind the code. A test fails when the committed file is stale.
import type { KeySpec } from '@medkit/kit';

function range(spec: KeySpec): string {
  if (spec.type === 'int' || spec.type === 'float') {
    if (spec.min === undefined && spec.max === undefined) return '';
    return `${spec.min ?? '…'}–${spec.max ?? '…'}`;
  }
  if (spec.type === 'string' && spec.enum) return spec.enum.join(' \\| ');
  if (spec.type === 'string' && spec.check) return spec.check.allowed.replace(/\|/g, '\\|');
  return '';
}

function fmt(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '`[]`' : `\`${v.join(', ')}\``;
  if (v === '') return '`""`';
  return `\`${String(v)}\``;
}

const HEADER = `# Configuration reference

Generated from the gateway's key descriptors by \`npm run docs:config\`; do not edit by hand.

Sources, later wins: built-in defaults < YAML files (\`--config\`, repeatable, later files win; a plain map, or a
ROS parameter file \`ros2_medkit_gateway: ros__parameters: {...}\`, nested or dotted keys; the reference fault
manager's file \`fault_manager: ros__parameters: {...}\` is read as the \`faults.*\` keys, see docs/migrating.md)
< environment < command-line flags. At start-up medkit prints which file (or variable, or flag) each setting came
from, and names every key it does not support.

- Environment: \`MEDKIT_<KEY>\` with dots as underscores, upper case (\`server.port\` → \`MEDKIT_SERVER_PORT\`);
  short aliases \`MEDKIT_HOST\`, \`MEDKIT_PORT\`, \`MEDKIT_DATA_DIR\`, \`MEDKIT_MANIFEST\`, \`MEDKIT_DOMAIN\`, \`MEDKIT_LOG_LEVEL\`;
  ROS's own \`ROS_DOMAIN_ID\`, \`ROS_LOCALHOST_ONLY=1\` / \`ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST\` and \`ROS_STATIC_PEERS\`.
- Flags: \`--config\`, \`--manifest\`, \`--host\`, \`--port\`, \`--data-dir\`, \`--domain\`, \`--localhost-only\`, \`--mode\`,
  \`--no-ros\`, \`--log-level\`, and \`--set KEY=VALUE\` for any key.
- Lists accept YAML lists or comma-separated strings. Numbers given as strings (environment, flags) are read in decimal only
  (\`0x10\`, \`0b1\`, \`0o7\` are invalid values, not 16, 1 and 7).
- **An invalid value stops start-up**, whatever the key and whichever source set it (a file, the environment, a flag,
  also one a later source overrides): a value of the wrong type, outside the key's range or not one of its values
  exits with code 2 and one line per such value naming the key, the value, where it was set and what is allowed
  (\`medkit: server.port=70000 (command line) is invalid: outside the allowed range 1024–65535; refusing to start\`).
  No value is ever replaced by the default or clamped into the range: a typo'd port never listens on 8080.
- Keys whose *guards* column says *security* or *limit* guard a protection or a resource limit: an unknown key spelt
  like one, or in a section made only of them, stops start-up too (next point).
- Unknown keys are printed and ignored (keys of the reference stack medkit does not implement), except that start-up stops for
  an unknown key in a section made only of *security*/*limit* keys (\`scripts.*\`, \`auth.*\`, \`server.tls.*\`,
  \`server.limits.*\`, \`cors.*\`, \`rate_limiting.*\`, …) and for one spelt like such a key (\`auth.enable\`,
  \`scritps.sandbox.mode\`). A plugin's \`plugins.<name>.*\` keys are checked against the keys the plugin declares
  (docs/plugins.md).
- Secrets are never printed or logged: keys named for credentials (\`*secret*\`, \`*password*\`, \`*token*\`,
  \`*seed*\`, \`*api_key*\`, \`*headers*\`, \`auth.clients\`, …) show as \`(hidden)\` in the start-up echo (also as a field
  inside a list or map value, e.g. an OTLP endpoint's \`headers\`) and in every message about their value, and the password of any URL (\`postgres://user:***@host/db\`) is hidden in the echo,
  in messages and in every log line.
`;

/** `appendix`: hand-maintained Markdown put after the key tables (docs/src/memory-bounds.md). */
export function renderConfigReference(groups: [string, Record<string, KeySpec>][], appendix?: string): string {
  const parts = [HEADER];
  for (const [title, keys] of groups) {
    parts.push(`\n## ${title}\n\n| key | type | default | range | guards | meaning |\n|---|---|---|---|---|---|`);
    for (const [key, spec] of Object.entries(keys)) {
      parts.push(`| \`${key}\` | ${spec.type} | ${fmt(spec.default)} | ${range(spec)} | ${spec.guards ?? ''} | ${spec.doc.replace(/\|/g, '\\|')} |`);
    }
  }
  if (appendix) parts.push(`\n${appendix.trimEnd()}`);
  return `${parts.join('\n')}\n`;
}
