/**
 * Shared start/stop of a demo node process: prints `ready ...` on stdout once its nodes are up (the
 * launcher and tests wait for it), stops cleanly on SIGINT/SIGTERM, and exits on its own when its
 * parent launcher disappears, so a killed launcher never leaves ROS nodes behind.
 */
import type { RosContext } from '@medkit/ros2';
import type { DemoNode } from '../nodes/demo-node.js';
import type { SimClock } from '../sim/sim-clock.js';

interface RunningProcess {
  contexts: RosContext[];
  nodes: DemoNode[];
  clock: SimClock;
}

export function announceAndWait(name: string, p: RunningProcess): void {
  const parent = process.ppid;
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${name}: ${why}, stopping`);
    clearInterval(watch);
    p.clock.stop();
    for (const n of p.nodes) {
      try {
        n.close();
      } catch {
        // keep closing the others
      }
    }
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    await Promise.all(p.contexts.map((c) => c.close().catch(() => undefined)));
    process.exit(0);
  };
  const watch = setInterval(() => {
    if (process.ppid !== parent) void stop('parent process gone');
  }, 1000);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const names = p.nodes.map((n) => n.node.fqn).join(' ');
  const domains = p.contexts.map((c) => c.domainId).join(',');
  process.stdout.write(`ready ${name} domain=${domains} nodes=${names}\n`);
}
