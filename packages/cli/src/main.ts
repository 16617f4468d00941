// `medkit` entry point: parse the command, load configuration, start the gateway, print one summary,
// and shut down cleanly on SIGINT/SIGTERM.
import { checkSecureProfile, createGateway, ENTITIES_SERVICE, createMetricsFeature, createWebUiFeature, describeConfigOrigins, GATEWAY_VERSION, loadConfig, nativePartsReport, profileFile, type GatewayConfig } from '@medkit/gateway';
import module from 'node:module';
import { ConfigError } from '@medkit/kit';
import { StorageError } from '@medkit/kit';
import { defaultFeatures, FEATURE_KEYS, loadFleetServer } from './compose.js';
import { HELP, parseCommand, UsageError, type GatewayArgs } from './args.js';
import { formatSummary } from './summary.js';
import { checkExposure } from './exposure.js';
import { credentialsFileOf, credentialsNotice, ensureCredentials, writeCredentials } from './credentials.js';

/** Errors that stop start-up with a message and exit code 2, without a stack trace. */
function isUserError(err: unknown): err is Error {
  return err instanceof UsageError || err instanceof ConfigError || err instanceof StorageError || (err as { code?: unknown } | undefined)?.code === 'manifest-invalid';
}

/** The one line for a listen that failed on the configuration (port taken, host that is no name here), else undefined. */
function listenProblem(err: NodeJS.ErrnoException & { hostname?: string }): string | undefined {
  if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') return `cannot listen: ${err.message} (choose another --port or --host)`;
  // getaddrinfo: the name does not resolve (ENOTFOUND) or no DNS answer came (EAI_AGAIN).
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `server.host '${err.hostname ?? '?'}' does not resolve (${err.code}); give --host an address or a name of this machine`;
  return undefined;
}

/**
 * The configuration of a gateway or fleet command: the profile, the generated credentials when auth.credentials_file
 * names them (made now when missing: `made`), then the user's files, environment and flags on top.
 */
function loadCommandConfig(args: GatewayArgs): { config: GatewayConfig; made?: { file: string; secret: string } } {
  const profiles = args.profile ? [profileFile(args.profile)] : [];
  const load = (credentials: string[]) => loadConfig({ configFiles: [...profiles, ...credentials, ...args.configFiles], flags: args.flags, extraKeys: FEATURE_KEYS });
  const first = load([]);
  const file = credentialsFileOf(first);
  if (!file) return { config: first };
  const secret = ensureCredentials(file);
  return { config: load([file]), ...(secret ? { made: { file, secret } } : {}) };
}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number | undefined> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (isUserError(err)) {
      console.error(`medkit: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (command.kind === 'help') {
    out.write(`${HELP}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    // The version, then the runtime and whether the native parts load on it (an installed copy's quick check).
    out.write(`medkit ${GATEWAY_VERSION}\n${(await nativePartsReport()).join('\n')}\n`);
    return 0;
  }
  if (command.kind === 'mcp') {
    // The MCP SDK is loaded only by `medkit mcp`, never by a gateway.
    const { MCP_HELP, parseMcpCommand, runMcpCommand } = await import('./mcp-command.js');
    let mcp;
    try {
      mcp = parseMcpCommand(command.argv, process.env);
    } catch (err) {
      if (!isUserError(err)) throw err;
      console.error(`medkit: ${err.message}`);
      return 2;
    }
    if (mcp === 'help') {
      // stdout is the protocol channel only when serving; help may use it.
      out.write(`${MCP_HELP}\n`);
      return 0;
    }
    return runMcpCommand(mcp, (line) => console.error(line));
  }

  if (command.kind === 'credentials-rotate') {
    try {
      const { config } = loadCommandConfig(command.args);
      const file = credentialsFileOf(config);
      if (!file) throw new UsageError('no credentials to rotate: the configuration sets no auth.credentials_file (with auth.enabled); pass the options the gateway runs with (--config, --data-dir)');
      for (const line of credentialsNotice(config, file, writeCredentials(file), 'rotated')) console.error(`medkit: ${line}`);
      return 0;
    } catch (err) {
      if (!isUserError(err)) throw err;
      console.error(`medkit: ${err.message}`);
      return 2;
    }
  }

  let gateway;
  let url: string;
  let exposed: string | undefined;
  try {
    const fleet = command.kind === 'fleet';
    const { config, made } = loadCommandConfig(command.args);
    // Which file (or variable, or flag) each setting came from, then what was adjusted or not supported.
    for (const line of describeConfigOrigins(config)) console.error(`medkit: config: ${line}`);
    for (const a of config.adjustments) console.error(`medkit: config: ${a.message}`);
    if (made) for (const line of credentialsNotice(config, made.file, made.secret, 'made')) console.error(`medkit: ${line}`);
    if (command.args.profile === 'secure') checkSecureProfile(config);
    // Before anything opens: a gateway open to the network without authentication does not start (exit 2).
    exposed = checkExposure(config);
    // A fleet replica runs the same HTTP core with the fleet feature instead of the robot's features, and
    // serves the fleet console (packages/web's fleet.html) at / as a robot gateway serves its UI.
    const features = fleet ? [(await loadFleetServer()).createFleetFeature(config), createWebUiFeature({ index: 'fleet.html' }), createMetricsFeature()] : defaultFeatures(config);
    // /health answers first; the other routes are built on first use (docs/deploy.md "Start-up: /health first").
    gateway = await createGateway({ config, features, deferRoutes: true });
    url = await gateway.listen();
  } catch (err) {
    const problem = isUserError(err) ? err.message : listenProblem(err as NodeJS.ErrnoException & { hostname?: string });
    if (problem) console.error(`medkit: ${problem}`);
    // Stop what start-up already opened (ROS participant, fault manager, timers, database) so the
    // process ends instead of running on without an HTTP server.
    if (gateway) {
      await gateway.close().catch((closeErr: unknown) => console.error(`medkit: error during shutdown: ${(closeErr as Error).message}`));
    }
    if (problem) return 2;
    throw err;
  }
  const g = gateway;
  // The signal handlers come before the ready line and discovery's settling: a SIGTERM then (a supervisor, a test
  // that read the line) closes the gateway cleanly, where the default action ended the process with nothing closed.
  let stopping = false;
  // SIGHUP rotates the TLS certificate in place (the old one stays when the new files are invalid).
  const onHup = () => {
    const r = g.reloadTls();
    if (r) console.error(`medkit: SIGHUP: ${r.message}`);
    else console.error('medkit: SIGHUP: TLS is off, nothing to reload');
  };
  process.on('SIGHUP', onHup);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      stopping = true;
      console.error(`medkit: ${signal} received, shutting down`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      g.close().then(resolve, (err) => {
        console.error(`medkit: error during shutdown: ${(err as Error).message}`);
        resolve();
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  // With the runtime's compile cache on (NODE_COMPILE_CACHE, Node.js 22.1+; docs/deploy.md), start-up's compiled code
  // is written as soon as the gateway listens, not only at a clean exit: a gateway that was killed or crashed starts
  // as fast the next time (issue 69). No-op without the cache.
  (module as { flushCompileCache?: () => void }).flushCompileCache?.();
  // The summary counts what discovery lists: first let it catch up with the nodes already seen (bounded; the
  // entities line says when it has not).
  await gateway.ctx.services.find(ENTITIES_SERVICE)?.settle();
  if (!stopping) {
    out.write(formatSummary(gateway, url));
    if (exposed) console.error(`medkit: WARNING: ${exposed}`);
  }
  await stopped;
  return 0;
}
