// Command-line parsing for `medkit`. Flags map onto configuration keys (the last source to win).
import { parseArgs } from 'node:util';
import { isProfileName, PROFILES, type FlatConfig, type ProfileName } from '@medkit/gateway';

export const HELP = `medkit — SOVD (ISO 17978-3) diagnostic gateway for ROS 2

Usage:
  medkit gateway [options]     run the gateway
  medkit mcp [options]         MCP server for AI agents (medkit mcp --help)
  medkit fleet [options]       run a fleet replica: NATS JetStream → PostgreSQL, SOVD API over
                               every robot (docs/fleet.md)
  medkit credentials rotate [options]
                               replace the generated credentials (auth.credentials_file) with new
                               ones and print the admin secret once; restart the gateway after
                               (options as for the gateway, to find its configuration)
  medkit --help                show this help
  medkit --version             print the version, the Node.js runtime and whether the native parts load

Gateway options (each overrides the config file and MEDKIT_* environment variables):
  --profile NAME       shipped settings under your own: default | secure (auth for all,
                       TLS 1.3, explicit CORS origins, rate limiting, no script uploads,
                       no docs; docs/security.md). Your --config files, MEDKIT_* and
                       --set are layered on top
  --config FILE        YAML config: a plain map, or a ROS parameter file
                       (ros2_medkit_gateway: ros__parameters: {...}; the reference
                       fault manager's fault_manager: ros__parameters: {...} too).
                       Repeatable; later files win
  --manifest FILE      manifest YAML (discovery.manifest_path); implies hybrid mode
                       unless discovery.mode is set
  --host H             listen address (server.host, default 127.0.0.1); beyond loopback
                       only with auth on, or server.allow_unauthenticated_remote=true
  --port P             listen port (server.port, default 8080)
  --data-dir DIR       where faults, recordings and uploads are stored (default ./medkit-data)
  --domain N           ROS domain id (ros.domain_id, default $ROS_DOMAIN_ID or 0)
  --localhost-only     only talk to ROS 2 peers on this machine
  --mode M             discovery.mode: runtime_only | manifest_only | hybrid
  --no-ros             do not join the ROS 2 graph (manifest-only gateway)
  --set KEY=VALUE      set any configuration key (repeatable), e.g. --set cors.allowed_origins=
  --log-level L        fatal | error | warn | info | debug | trace | silent

Fleet options (medkit fleet; gateway options above apply too):
  --database URL       PostgreSQL connection string (fleet.database.url)
  --nats URLS          NATS servers, comma-separated (fleet.nats.servers)
  --fleet ID           fleet id (fleet.id, default 'default')

Configuration reference: docs/configuration.md. Environment: MEDKIT_<KEY> with dots as
underscores (MEDKIT_SERVER_PORT=9000), plus ROS_DOMAIN_ID and ROS_LOCALHOST_ONLY.`;

export interface GatewayArgs {
  /** `--profile`: a shipped profile loaded under the config files. */
  profile?: ProfileName;
  /** `--config` files in the order given (later ones win). */
  configFiles: string[];
  flags: FlatConfig;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'gateway' | 'fleet' | 'credentials-rotate'; args: GatewayArgs } | { kind: 'mcp'; argv: string[] };

export class UsageError extends Error {
  readonly code: string = 'usage';
}

export function parseCommand(argv: string[]): Command {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { kind: 'help' };
  if (first === '--version' || first === '-v' || first === 'version') return { kind: 'version' };
  if (first === 'mcp') return { kind: 'mcp', argv: argv.slice(1) };
  // The gateway's options find its configuration, and so its data dir and credentials file.
  if (first === 'credentials') {
    if (argv[1] !== 'rotate') throw new UsageError(`unknown credentials command '${argv[1] ?? ''}' (medkit credentials rotate [gateway options])`);
    const args = parseGatewayArgs(argv.slice(2));
    return args === 'help' ? { kind: 'help' } : { kind: 'credentials-rotate', args };
  }
  if (first !== 'gateway' && first !== 'fleet') throw new UsageError(`unknown command '${first}' (try: medkit --help)`);
  const args = parseGatewayArgs(argv.slice(1));
  return args === 'help' ? { kind: 'help' } : { kind: first, args };
}

function parseGatewayArgs(argv: string[]): GatewayArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        config: { type: 'string', multiple: true },
        manifest: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        domain: { type: 'string' },
        'localhost-only': { type: 'boolean' },
        mode: { type: 'string' },
        'no-ros': { type: 'boolean' },
        set: { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        database: { type: 'string' },
        nats: { type: 'string' },
        fleet: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (try: medkit --help)`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const flags: FlatConfig = {};
  const map: [string | boolean | undefined, string][] = [
    [v.manifest, 'discovery.manifest_path'],
    [v.host, 'server.host'],
    [v.port, 'server.port'],
    [v['data-dir'], 'data_dir'],
    [v.domain, 'ros.domain_id'],
    [v.mode, 'discovery.mode'],
    [v['log-level'], 'logging.level'],
    [v.database, 'fleet.database.url'],
    [v.nats, 'fleet.nats.servers'],
    [v.fleet, 'fleet.id'],
  ];
  for (const [value, key] of map) if (value !== undefined) flags[key] = value;
  if (v['localhost-only']) flags['ros.localhost_only'] = true;
  if (v['no-ros']) flags['ros.enabled'] = false;
  for (const s of v.set ?? []) {
    const i = s.indexOf('=');
    if (i <= 0) throw new UsageError(`--set expects KEY=VALUE, got '${s}'`);
    flags[s.slice(0, i)] = s.slice(i + 1);
  }
  if (v.profile !== undefined && !isProfileName(v.profile)) throw new UsageError(`unknown profile '${v.profile}' (one of: ${PROFILES.join(', ')})`);
  return { ...(v.profile !== undefined ? { profile: v.profile as ProfileName } : {}), configFiles: v.config ?? [], flags };
}
