#!/usr/bin/env node
// `npm run demo:plc`: the OpenPLC tank example in one command. Starts the simulated PLC (tank-plc.mjs) and a
// medkit gateway with the opcua plugin and this folder's node map, waits until the gateway is connected to
// the PLC, prints the URLs and what to try, and stops both on Ctrl-C (or when either stops by itself).
// Needs the built workspace (`npm run build`; the npm script does it): the child handling is the demo
// launcher's (packages/demo/src/launcher/children.ts), the gateway the built `medkit` command.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChildSet } from '../../packages/demo/dist/launcher/children.js';
import { portProblem } from '../../packages/demo/dist/launcher/ports.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const MEDKIT = join(ROOT, 'packages', 'cli', 'bin', 'medkit.js');
const HOST = '127.0.0.1';

const HELP = `medkit OPC-UA example: a simulated OpenPLC tank bridged into the SOVD tree

Usage: npm run demo:plc -- [options]      (or: node examples/opcua/run.mjs [options])

  --port P          gateway port (default 8080; 0 = any free port; a busy default is replaced by a free one)
  --plc-port P      OPC-UA port of the simulated PLC (default 4840; same rules)
  --scenario S      the PLC's starting state: normal (default), overpressure, low-level, high-temp
  --domain N        ROS domain of the gateway (default $ROS_DOMAIN_ID or 0; ROS on this machine only)
  --no-ros          do not join ROS 2 (no /plc/* topics)
  --verbose         show every line the PLC and the gateway print
  --help            this text
`;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8080' },
      'plc-port': { type: 'string', default: '4840' },
      scenario: { type: 'string', default: 'normal' },
      domain: { type: 'string' },
      'no-ros': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const port = (flag) => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${flag} must be 0–65535, got '${values[flag]}'`);
    return { port: n, explicit: argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`)) };
  };
  // tank-plc.mjs checks it too; refused here before anything starts.
  if (!['normal', 'overpressure', 'low-level', 'high-temp'].includes(values.scenario)) throw new Error(`--scenario must be normal, overpressure, low-level or high-temp, got '${values.scenario}'`);
  if (values.domain !== undefined && !/^\d+$/.test(values.domain)) throw new Error(`--domain must be 0–232, got '${values.domain}'`);
  return { gateway: port('port'), plc: port('plc-port'), scenario: values.scenario, domain: values.domain, ros: !values['no-ros'], verbose: values.verbose };
}

/** A port the OS reports free right now (listen on 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The port to use: 0 → a free one; a busy default → a free one (said so); a busy explicit port → an error. */
async function choosePort({ port, explicit }, flag) {
  if (port === 0) return freePort();
  const problem = await portProblem(port);
  if (!problem) return port;
  if (explicit) throw new Error(`port ${port} ${problem}; choose another with ${flag}`);
  const other = await freePort();
  console.error(`medkit plc demo: port ${port} ${problem}; using ${other} instead (or choose one with ${flag})`);
  return other;
}

/** Waits (bounded) until the plugin reports the PLC connected; false when it does not within `ms`. */
async function waitConnected(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok && (await res.json()).connected === true) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function banner(api, plcEndpoint, pids) {
  const entity = (path) => `${api}${path}`;
  return `
medkit OPC-UA example is running (pids: PLC ${pids.plc}, gateway ${pids.gateway})
  simulated PLC   ${plcEndpoint}
  gateway API     ${api}
  web UI          ${api.replace(/\/api\/v1$/, '')}/
  API docs        ${api}/docs

Try:
  curl ${entity('/areas/plc_systems/components')}
  curl ${entity('/apps/tank_process/data/tank_level')}
  curl -X POST ${entity('/apps/fill_pump/operations/set_pump_speed/executions')} -H 'content-type: application/json' -d '{"parameters":{"value":100}}'
  curl -X POST ${entity('/apps/drain_valve/operations/set_valve_position/executions')} -H 'content-type: application/json' -d '{"parameters":{"value":0}}'
  curl ${entity('/faults')}                       # PLC_OVERPRESSURE within seconds, then PLC_HIGH_TEMP
  curl -X POST ${entity('/apps/drain_valve/operations/set_valve_position/executions')} -H 'content-type: application/json' -d '{"parameters":{"value":80}}'
  curl '${entity('/faults?status=cleared')}'      # healed once the pressure is back below 6 bar
  curl ${entity('/components/openplc_runtime/x-plc-status')}

More: examples/opcua/README.md. Ctrl-C stops the PLC and the gateway.
`;
}

async function main(argv) {
  let o;
  try {
    o = options(argv);
  } catch (err) {
    console.error(`medkit plc demo: ${err.message}\n\n${HELP}`);
    return 2;
  }
  if (!o) {
    console.log(HELP);
    return 0;
  }
  let gatewayPort;
  let plcPort;
  try {
    gatewayPort = await choosePort(o.gateway, '--port');
    plcPort = await choosePort(o.plc, '--plc-port');
  } catch (err) {
    console.error(`medkit plc demo: ${err.message}`);
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-plc-demo-'));
  const api = `http://${HOST}:${gatewayPort}/api/v1`;
  const plcEndpoint = `opc.tcp://${HOST}:${plcPort}`;
  // The children get the caller's environment without MEDKIT_* (this example's settings are its own).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDKIT_')));

  let exitCode = 0;
  let shuttingDown;
  const shutdown = (code) => {
    exitCode = Math.max(exitCode, code);
    shuttingDown ??= children.stopAll().finally(() => rmSync(dataDir, { recursive: true, force: true }));
    return shuttingDown;
  };
  const children = new ChildSet({
    logDir: dataDir,
    verbose: o.verbose,
    echo: (line) => console.error(line),
    onUnexpectedExit: (c, code, signal) => {
      console.error(`medkit plc demo: ${c.spec.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); last output:\n${c.tail.join('\n')}`);
      void shutdown(1);
    },
  });
  const onSignal = (signal) => {
    console.error(`\nmedkit plc demo: ${signal}, stopping the gateway and the PLC...`);
    void shutdown(0);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const plc = children.start({
      name: 'tank-plc',
      args: [join(HERE, 'tank-plc.mjs'), '--port', String(plcPort), '--host', HOST, '--scenario', o.scenario],
      env,
      readyLine: /^tank-plc: listening on /,
    });
    const gateway = children.start({
      name: 'gateway',
      args: [
        MEDKIT, 'gateway',
        '--config', join(HERE, 'gateway.yaml'),
        '--set', `plugins.opcua.endpoint_url=${plcEndpoint}`,
        '--set', `plugins.opcua.node_map_path=${join(HERE, 'node-map.yaml')}`,
        '--host', HOST,
        '--port', String(gatewayPort),
        '--data-dir', join(dataDir, 'gateway'),
        '--log-level', 'warn',
        ...(o.ros ? ['--localhost-only', ...(o.domain !== undefined ? ['--domain', o.domain] : [])] : ['--no-ros']),
      ],
      env,
      healthUrl: `${api}/health`,
    });
    console.error(`medkit plc demo: starting the simulated PLC and the gateway (logs in ${dataDir})`);
    await Promise.all([children.waitReady(plc, 60_000), children.waitReady(gateway, 60_000)]);
    if (!shuttingDown && !(await waitConnected(`${api}/components/openplc_runtime/x-plc-status`, 30_000)))
      console.error(`medkit plc demo: the gateway is not connected to the PLC yet; see ${api}/components/openplc_runtime/x-plc-status`);
    if (!shuttingDown) process.stdout.write(banner(api, plcEndpoint, { plc: plc.child.pid, gateway: gateway.child.pid }));
  } catch (err) {
    if (!shuttingDown) console.error(`medkit plc demo: ${err.message}`);
    await shutdown(1);
    return exitCode;
  }
  await new Promise((done) => {
    const wait = () => (shuttingDown ? shuttingDown.then(done) : setTimeout(wait, 200));
    wait();
  });
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`medkit plc demo: ${err.stack ?? err}`);
    process.exit(1);
  },
);
