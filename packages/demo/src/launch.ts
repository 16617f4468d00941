#!/usr/bin/env node
/**
 * `npm start`: the medkit demo. Starts the safety island gateway and the main gateway (which
 * federates it), then the safety island's ROS nodes and the simulated robot, each in its own
 * process, on isolated ROS domains over loopback only, so it never mixes with a real robot on the
 * network. Prints the URLs and what to try; Ctrl-C stops everything.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { banner } from './launcher/banner.js';
import { ChildSet } from './launcher/children.js';
import { LAUNCH_HELP, parseLaunchOptions, type LaunchOptions } from './launcher/options.js';
import { launchPlan } from './launcher/plan.js';
import { portProblem } from './launcher/ports.js';
import { prepareScriptsDir } from './launcher/scripts-dir.js';
import { closedToOthers, medkitBin } from './paths.js';

async function main(argv: string[]): Promise<number> {
  let o: LaunchOptions | null;
  try {
    o = parseLaunchOptions(argv);
  } catch (err) {
    console.error(`medkit demo: ${(err as Error).message}\n\n${LAUNCH_HELP}`);
    return 2;
  }
  if (!o) {
    console.log(LAUNCH_HELP);
    return 0;
  }
  for (const [port, flag] of [[o.port, '--port'], [o.islandPort, '--island-port']] as const) {
    const problem = await portProblem(port);
    if (problem) {
      console.error(`medkit demo: port ${port} ${problem}; choose another with ${flag}`);
      return 2;
    }
  }

  const keepData = o.dataDir !== undefined;
  const dataDir = keepData ? resolve(o.dataDir!) : mkdtempSync(join(tmpdir(), 'medkit-demo-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const plan = launchPlan(o, dataDir, o.medkit ?? medkitBin());
  const closed = process.getuid?.() === 0 ? closedToOthers() : undefined;
  if (closed) {
    console.error(`medkit demo: warning: the managed scripts run as the sandbox user (nobody), who cannot enter ${closed}: inject-protective-stop will fail; \`chmod o+x ${closed}\` or install the demo elsewhere`);
  }
  prepareScriptsDir(dataDir, plan.scriptEnv);
  if (o.secure) {
    // Loaded only here: making and checking keystores brings the security modules (pkijs).
    const { makeDemoKeystore } = await import('./launcher/make-keystore.js');
    try {
      console.error('medkit demo: making a throw-away SROS2 keystore with openssl (--secure)');
      makeDemoKeystore(dataDir, o.domain, o.islandDomain);
    } catch (err) {
      console.error(`medkit demo: --secure: ${(err as Error).message}`);
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return 2;
    }
  }

  let exitCode = 0;
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (code: number) => {
    exitCode = Math.max(exitCode, code);
    shuttingDown ??= (async () => {
      await children.stopAll();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    })();
    return shuttingDown;
  };
  const children = new ChildSet({
    logDir,
    verbose: o.verbose,
    echo: (line) => console.error(line),
    onUnexpectedExit: (c, code, signal) => {
      console.error(`medkit demo: ${c.spec.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); last output:\n${c.tail.join('\n')}`);
      void shutdown(1);
    },
  });
  const onSignal = (signal: string) => {
    console.error(`\nmedkit demo: ${signal}, stopping everything...`);
    void shutdown(0);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    console.error(`medkit demo: starting the gateways (data and logs in ${dataDir})`);
    const gateways = plan.gateways.map((s) => children.start(s));
    await Promise.all(gateways.map((g) => children.waitReady(g)));
    console.error('medkit demo: starting the safety island and the robot');
    const nodes = plan.nodes.map((s) => children.start(s));
    await Promise.all(nodes.map((n) => children.waitReady(n)));
  } catch (err) {
    if (!shuttingDown) {
      console.error(`medkit demo: ${(err as Error).message}`);
      await shutdown(1);
    } else await shuttingDown;
    return exitCode;
  }
  if (!shuttingDown) process.stdout.write(banner(o, plan, keepData));
  await new Promise<void>((done) => {
    const wait = () => (shuttingDown ? shuttingDown.then(done) : setTimeout(wait, 200));
    wait();
  });
  return exitCode;
}

// `medkit-demo fleet ...`: several simulated robots against one fleet gateway (fleet.ts).
const run = process.argv[2] === 'fleet' ? import('./fleet.js').then((m) => m.fleetDemo(process.argv.slice(3))) : main(process.argv.slice(2));
run.then(
  (code) => process.exit(code),
  (err) => {
    console.error(`medkit demo: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
