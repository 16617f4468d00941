// Persistent data triggers across a real gateway restart (docs/triggers.md): the `medkit`
// command in hybrid mode and the fixture robot (its own process, publishing /demo/battery/voltage) on
// a loopback ROS domain. A restored trigger binds when its topic reappears, one created while the
// topic does not exist yet binds when it appears, both on the product example's short data id
// (`data/voltage`, matched by suffix), and the robot coming back after a stop is heard again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateway, freePort, runMedkit, type MedkitProcess } from '../../../../test-support/medkit-cli.js';
import { buildRos2, eventually, http, startRobot, type RobotProcess } from '../../../../test-support/gateway/ros-robot.js';
import { openSse, type SseClient } from '../../../../test-support/sse-client.js';
import { testDomain } from '../../../../test-support/domains.js';

const DOMAIN = testDomain(195);
/** The liveness bound the task sets: a trigger fires within seconds of its topic (re)appearing. */
const FIRE_WITHIN_MS = 15_000;
/** Start-up is not what is measured: a loaded CI machine may take long to start a gateway. */
const START_MS = 120_000;

const MANIFEST = `manifest_version: "1.0"
config:
  unmanifested_nodes: ignore
  inherit_runtime_resources: true
components:
  - id: robot
    name: Robot
apps:
  - id: battery-monitor
    name: Battery Monitor
    is_located_on: robot
    ros_binding:
      node_name: battery_monitor
      namespace: /demo
`;

let dir: string;
let gateway: MedkitProcess | undefined;
let robot: RobotProcess | undefined;
const streams: SseClient[] = [];

async function startGateway(): Promise<string> {
  const port = await freePort();
  gateway = runMedkit(
    ['gateway', '--manifest', join(dir, 'manifest.yaml'), '--mode', 'hybrid', '--domain', String(DOMAIN), '--localhost-only', '--data-dir', join(dir, 'data'), '--port', String(port)],
    { MEDKIT_LOG_LEVEL: 'warn', MEDKIT_DISCOVERY_REFRESH_DEBOUNCE_MS: '200' },
  );
  await gateway.waitFor(/medkit gateway ready/, START_MS);
  return `http://127.0.0.1:${port}`;
}

async function stopGateway(): Promise<void> {
  const g = gateway!;
  gateway = undefined;
  g.child.kill('SIGTERM');
  expect(await g.exited).toBe(0);
}

async function events(url: string): Promise<SseClient> {
  const s = await openSse(url);
  streams.push(s);
  expect(s.status).toBe(200);
  return s;
}

/** The next trigger event carrying a voltage sample (not an error envelope). */
async function nextVoltage(s: SseClient, timeoutMs: number): Promise<Record<string, any>> {
  const e = await s.nextJson<Record<string, any>>(timeoutMs);
  expect(e.error).toBeUndefined();
  expect(e.payload['x-medkit'].ros2.topic).toBe('/demo/battery/voltage');
  expect(typeof e.payload.data.data).toBe('number');
  return e;
}

beforeAll(() => {
  buildRos2();
  buildGateway();
  dir = mkdtempSync(join(tmpdir(), 'medkit-trig-ros-'));
  writeFileSync(join(dir, 'manifest.yaml'), MANIFEST);
}, 240_000);

afterAll(async () => {
  for (const s of streams) s.close();
  gateway?.child.kill('SIGKILL');
  await robot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('persistent data triggers with a real gateway restart (hybrid mode, real ROS peer)', () => {
  it('a restored trigger and one created before its topic exists both fire within seconds of the topic appearing, and again after the robot restarts', async () => {
    // 1. A persistent trigger on the product example's short id, firing against the live robot.
    robot = await startRobot(DOMAIN, { only: ['battery'], rateHz: 20 });
    let base = await startGateway();
    await eventually(async () => (await http(`${base}/api/v1/apps/battery-monitor/data`)).body?.items?.some((i: { id: string }) => i.id === '/demo/battery/voltage'), 'the voltage topic on battery-monitor', START_MS);
    const body = { resource: '/api/v1/apps/battery-monitor/data/voltage', trigger_condition: { condition_type: 'OnChange' }, multishot: true, persistent: true };
    const created = await http(`${base}/api/v1/apps/battery-monitor/triggers`, { method: 'POST', json: body });
    expect(created.status).toBe(201);
    const restored = created.body as { id: string; event_source: string };
    await nextVoltage(await events(`${base}${restored.event_source}`), FIRE_WITHIN_MS);

    // 2. SIGTERM the gateway and stop the robot; the gateway comes back first, without the topic.
    await stopGateway();
    await robot.stop();
    robot = undefined;
    base = await startGateway();
    const listed = await http(`${base}/api/v1/apps/battery-monitor/triggers/${restored.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ id: restored.id, status: 'active', persistent: true, 'x-medkit': { bound: false } });
    expect(listed.body['x-medkit'].waiting_for).toEqual(expect.any(String));
    const restoredEvents = await events(`${base}${restored.event_source}`);

    // 3. A second trigger on the same resource, created while the topic does not exist: accepted, waiting.
    const early = await http(`${base}/api/v1/apps/battery-monitor/triggers`, { method: 'POST', json: { ...body, persistent: false } });
    expect(early.status).toBe(201);
    expect(early.body['x-medkit']).toMatchObject({ bound: false });
    const earlyEvents = await events(`${base}${early.body.event_source as string}`);

    // 4. The robot appears: both fire within seconds.
    robot = await startRobot(DOMAIN, { only: ['battery'], rateHz: 20 });
    await nextVoltage(restoredEvents, FIRE_WITHIN_MS);
    await nextVoltage(earlyEvents, FIRE_WITHIN_MS);
    expect((await http(`${base}/api/v1/apps/battery-monitor/triggers/${restored.id}`)).body['x-medkit']).toMatchObject({ bound: true });

    // 5. The robot goes away and comes back while the gateway runs: both triggers hear the new robot.
    await robot.stop();
    robot = await startRobot(DOMAIN, { only: ['battery'], rateHz: 20 });
    const back = BigInt(Date.now()) * 1_000_000n;
    for (const s of [restoredEvents, earlyEvents]) {
      // Skip what was queued before the stop; a sample received after the comeback must follow in time.
      const end = Date.now() + FIRE_WITHIN_MS;
      let e = await nextVoltage(s, FIRE_WITHIN_MS);
      while (BigInt(e.payload['x-medkit'].timestamp) < back) e = await nextVoltage(s, Math.max(1, end - Date.now()));
    }
    await stopGateway();
  }, 600_000);
});
