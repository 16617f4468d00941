// The MCP server as an agent meets it: the SDK's own client, over stdio (`medkit mcp` as a subprocess)
// and over streamable HTTP (`medkit mcp --http`), against the demo robot run by its real launcher
// (ROS domains testDomain(53)/(54), loopback). The protective-stop scenario is driven through MCP only, and
// every tool name of the reference server is called with that server's own arguments. Every tool result of
// the run is held to the default --max-output (docs/mcp.md, "Bounded output"), downloads included.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { testDomain } from '../../../test-support/domains.js';
import { buildDemo, eventually, freePort, http, launch, type Launched } from '../../../test-support/demo/demo.js';
import { MEDKIT_BIN, startMcpHttp } from '../../../test-support/medkit-cli.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { CATALOG, declarationNames, DEFAULT_MAX_OUTPUT_CHARS, REFERENCE_TOOL_NAMES, RESOURCE_NOT_FOUND, servedNames } from '../src/index.js';

const DOMAIN = testDomain(53);
let demo: Launched;
let api: string;
let stdio: Client;
let web: Client;
let httpServer: ChildProcess;

interface CallResult {
  isError?: boolean;
  content: { type: string; text: string }[];
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string; json: any }> {
  const r = (await client.callTool({ name, arguments: args })) as CallResult;
  const text = r.content.map((c) => c.text).join('');
  // Both servers run with the default --max-output: no answer of any tool passes it.
  expect(text.length, `${name}: answer of ${text.length} characters`).toBeLessThanOrEqual(DEFAULT_MAX_OUTPUT_CHARS);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: r.isError === true, text, json };
}

/** What each link of the demo's drive chain last showed through REST, and the drive nodes' last log lines (a failed drive's report). */
async function driveChain(rest: (path: string) => Promise<any>): Promise<string> {
  const links: Array<[string, string]> = [
    ['/plan', '/apps/controller_server/data/%2Fplan'],
    ['/cmd_vel', '/apps/controller_server/data/%2Fcmd_vel'],
    ['/cmd_vel_safe', '/apps/motor_controller/data/%2Fcmd_vel_safe'],
    ['/safety/protective_stop', '/apps/bt_navigator/data/%2Fsafety%2Fprotective_stop'],
    ['/odom', '/apps/motor_controller/data/%2Fodom'],
  ];
  const lines: string[] = [];
  for (const [topic, path] of links) {
    const r = await rest(path).catch((e) => ({ error: String(e) }));
    lines.push(`${topic}: ${JSON.stringify({ data: r?.data, timestamp: r?.['x-medkit']?.timestamp, error: r?.error ?? r?.message }).slice(0, 300)}`);
  }
  for (const app of ['controller_server', 'motor_controller', 'bt_navigator', 'island_link']) {
    const logs = await rest(`/apps/${app}/logs`).catch(() => undefined);
    const items: Array<{ severity?: string; message?: string }> = logs?.items ?? [];
    lines.push(`${app} logs: ${items.slice(-5).map((l) => `[${l.severity}] ${l.message}`).join(' | ')}`);
  }
  lines.push(`faults: ${JSON.stringify(((await rest('/faults').catch(() => undefined))?.items ?? []).map((f: { fault_code: string; status?: unknown }) => [f.fault_code, f.status]))}`);
  return lines.join('\n');
}

/**
 * Starts a navigation goal with `create` and waits until the robot executes it; returns its execution id. A goal the
 * robot aborts because the safety island's protective stop is still on (a person the previous case sent is still in
 * the path, or the obstacle detector is restarting: the demo's semantics, not a failure) is sent again, until `ms`.
 */
async function executingGoal(create: () => Promise<{ id: string }>, status: (id: string) => Promise<{ 'x-medkit'?: { ros2_status?: string; result?: unknown } } | undefined>, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  for (;;) {
    const { id } = await create();
    for (;;) {
      const e = await status(id);
      const ros2 = e?.['x-medkit']?.ros2_status;
      if (ros2 === 'executing') return id;
      last = `${id}: ${ros2} ${JSON.stringify(e?.['x-medkit']?.result ?? '')}`;
      if (Date.now() > end) throw new Error(`no navigation goal executing within ${ms} ms; last: ${last}`);
      if (ros2 === 'aborted' && /protective stop/.test(last)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A call over HTTP that must succeed; its JSON answer. */
async function ok(name: string, args: Record<string, unknown>, client: Client = web): Promise<any> {
  const r = await call(client, name, args);
  expect(r.isError, `${name}: ${r.text}`).toBe(false);
  return r.json;
}

beforeAll(async () => {
  buildDemo();
  const [port, islandPort, mcpPort] = [await freePort(), await freePort(), await freePort()];
  demo = launch(['--port', String(port), '--island-port', String(islandPort), '--domain', String(DOMAIN), '--speed', '10', '--no-autoplay', '--peer-check-ms', '500']);
  await demo.waitFor(/Press Ctrl-C to stop everything/, 270_000);
  api = `http://127.0.0.1:${port}/api/v1`;

  stdio = new Client({ name: 'medkit-test-agent', version: '1.0.0' });
  await stdio.connect(new StdioClientTransport({ command: process.execPath, args: [MEDKIT_BIN, 'mcp', '--url', api, '--client-id', 'agent-stdio'], stderr: 'pipe' }));

  const started = await startMcpHttp(['--port', String(mcpPort), '--url', api, '--client-id', 'agent-http']);
  httpServer = started.child;
  const url = started.url;
  web = new Client({ name: 'medkit-test-agent', version: '1.0.0' });
  await web.connect(new StreamableHTTPClientTransport(new URL(url)));

  // The robot's nodes are online before the agent starts asking.
  await eventually(async () => {
    const items = ((await http(`${api}/apps`)).body?.items ?? []) as any[];
    return ['scenario', 'safety_gate', 'lidar', 'bt_navigator'].every((id) => items.find((a) => a.id === id)?.['x-medkit']?.is_online) || undefined;
  }, 'demo apps online', 90_000);
}, 420_000);

afterAll(async () => {
  await stdio?.close().catch(() => undefined);
  await web?.close().catch(() => undefined);
  httpServer?.kill('SIGTERM');
  if (demo) await demo.stop();
}, 60_000);

describe('MCP server on the demo robot', () => {
  it('lists every tool under both name sets, each with an input and output schema, over stdio and over HTTP', async () => {
    for (const client of [stdio, web]) {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(CATALOG.flatMap(declarationNames).sort());
      for (const t of tools) {
        expect(t.inputSchema.type, t.name).toBe('object');
        expect(t.outputSchema?.type, t.name).toBe('object');
      }
      expect(tools.find((t) => t.name === 'sovd_create_execution')?.annotations?.destructiveHint).toBe(true);
      expect(tools.find((t) => t.name === 'sovd_faults_list')?.annotations?.readOnlyHint).toBe(true);
    }
  });

  it('serves the entity tree as a resource', async () => {
    const r = await stdio.readResource({ uri: 'medkit://entities' });
    const tree = JSON.parse((r.contents[0] as { text: string }).text);
    expect(tree.apps.map((a: { id: string }) => a.id)).toContain('safety_gate');
    const one = await web.readResource({ uri: 'medkit://apps/lidar' });
    expect(JSON.parse((one.contents[0] as { text: string }).text).id).toBe('lidar');
    const listed = await stdio.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['medkit://entities', 'medkit://apps/lidar']));
  });

  it('answers a resource that does not exist with the not-found code, and refuses a bogus cursor', async () => {
    for (const uri of ['medkit://apps/no_such_app', 'medkit://robots/lidar']) {
      const err = await web.readResource({ uri }).catch((e: unknown) => e);
      expect(err, uri).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(RESOURCE_NOT_FOUND);
      expect((err as McpError).data).toMatchObject({ error_code: 'resource-not-found', uri });
    }
    for (const client of [stdio, web]) {
      for (const list of [() => client.listResources({ cursor: 'bogus' }), () => client.listTools({ cursor: 'bogus' })]) {
        const err = await list().catch((e: unknown) => e);
        expect((err as McpError).code).toBe(-32602);
      }
    }
    // A tool whose target does not exist: the same code in the tool's error JSON.
    const missing = await call(web, 'ros2_medkit_entities_get', { entity_type: 'apps', entity_id: 'no_such_app' });
    expect(missing.isError).toBe(true);
    expect(missing.json).toMatchObject({ error_code: 'resource-not-found', status: 404 });
  });

  it('cancels a running navigation goal of the demo robot', async () => {
    const op = { entity_type: 'apps', entity_id: 'bt_navigator', operation_id: 'navigate_to_pose' };
    // Far away: the goal runs for minutes unless cancelled.
    const goal = { pose: { header: { frame_id: 'map' }, pose: { position: { x: 1000, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } } };
    const started = await call(stdio, 'sovd_create_execution', { ...op, parameters: goal });
    expect(started.isError, started.text).toBe(false);
    expect(started.json['x-medkit-mcp'].location).toMatch(/\/executions\//);
    const execution_id = started.json.id;
    await eventually(async () => {
      const r = await call(web, 'ros2_medkit_get_execution', { ...op, execution_id });
      return r.json?.status === 'running' && r.json?.['x-medkit']?.ros2_status === 'executing' ? r : undefined;
    }, 'goal executing', 30_000);
    const cancel = await call(web, 'ros2_medkit_cancel_execution', { ...op, execution_id });
    expect(cancel.isError, cancel.text).toBe(false);
    expect(cancel.json['x-medkit-mcp'].http_status).toBe(204);
    const ended = await eventually(async () => {
      const r = await call(stdio, 'sovd_get_execution', { ...op, execution_id });
      return r.json?.['x-medkit']?.ros2_status === 'canceled' ? r.json : undefined;
    }, 'goal canceled', 30_000);
    expect(ended.status).toBe('failed');
  });

  it('sends a typed 0.02 to the gateway as a number', async () => {
    const set = await call(web, 'ros2_medkit_set_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev', value: 0.02 });
    expect(set.isError, set.text).toBe(false);
    const rest = await http(`${api}/apps/lidar/configurations/noise_stddev`);
    expect(rest.body.data).toBe(0.02);
    const asText = await call(web, 'sovd_set_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev', value: '0.02' });
    // Not coerced: the gateway itself refuses a string for a double parameter.
    expect(asText.isError, asText.text).toBe(true);
    expect(asText.json).toMatchObject({ source: 'gateway', status: 400 });
    await call(web, 'sovd_delete_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev' });
  });

  it('drives the protective stop: trigger a person, see the fault, explain it with its freeze frame', async () => {
    const run = await call(stdio, 'sovd_create_execution', { entity_type: 'apps', entity_id: 'scenario', operation_id: 'trigger_person' });
    expect(run.isError, run.text).toBe(false);
    expect(run.json.parameters.success).toBe(true);

    const faults = await eventually(async () => {
      const r = await call(web, 'sovd_faults_list', { status: 'all' });
      return (r.json?.items ?? []).some((f: any) => f.fault_code === 'PROTECTIVE_STOP') ? r.json.items : undefined;
    }, 'PROTECTIVE_STOP through MCP', 60_000);
    const stop = faults.find((f: any) => f.fault_code === 'PROTECTIVE_STOP');
    expect(stop.severity).toBeGreaterThanOrEqual(2);

    const detail = await eventually(async () => {
      const r = await call(stdio, 'sovd_faults_get', { entity_type: 'apps', entity_id: 'safety_gate', fault_code: 'PROTECTIVE_STOP' });
      return !r.isError && r.text.includes('min_range_m') ? r : undefined;
    }, 'freeze frame with min_range_m', 60_000);
    expect(detail.json.item.code).toBe('PROTECTIVE_STOP');
    expect(detail.text).toContain('stop_threshold_m');
    // Links the agent can hand on are absolute.
    for (const link of Object.values(detail.json['x-medkit-mcp'].links as Record<string, string>)) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\//);
  });

  it("answers the reference server's argument names (a table of its calls) on the robot, under both name sets", async () => {
    const nav = { entity_id: 'bt_navigator', entity_type: 'apps', operation_name: 'navigate_to_pose' };
    const far = { pose: { header: { frame_id: 'map' }, pose: { position: { x: 1000, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } } };
    const ids = (list: any[]) => list.map((x: any) => x.id);
    // [tool, reference-style arguments, what the answer of the intended route shows]
    const rows: [string, Record<string, unknown>, (json: any) => void][] = [
      ['entities_list', { filter: 'LIDAR' }, (j) => {
        expect(ids(j.apps)).toContain('lidar');
        expect(ids(j.components)).toContain('lidar-unit');
        for (const e of [...j.areas, ...j.components, ...j.apps, ...j.functions]) expect(`${e.id} ${e.name}`.toLowerCase()).toContain('lidar');
      }],
      ['entities_get', { entity_id: 'lidar' }, (j) => expect(j.id).toBe('lidar')],
      ['entities_get', { entity_id: 'lidar-unit' }, (j) => expect(j.id).toBe('lidar-unit')],
      ['entity_data', { entity_id: 'lidar-unit' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['faults_list', { entity_id: 'safety_gate', entity_type: 'apps' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['faults_get', { entity_id: 'safety_gate', entity_type: 'apps', fault_id: 'PROTECTIVE_STOP' }, (j) => expect(j.item.code).toBe('PROTECTIVE_STOP')],
      ['entity_topic_data', { entity_id: 'lidar', entity_type: 'apps', topic_name: '/scan' }, (j) => expect(JSON.stringify(j)).toContain('/scan')],
      // /cmd_vel is a command topic the controller publishes: the write names it in confirm (docs/mcp.md, issue 56).
      ['publish_topic', { entity_id: 'safety_gate', entity_type: 'apps', topic_name: '/cmd_vel', data: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, confirm: '/cmd_vel' }, (j) => expect(j['x-medkit-mcp'].http_status).toBe(200)],
      ['list_operations', { entity_id: 'bt_navigator', entity_type: 'apps' }, (j) => expect(ids(j.items)).toContain('navigate_to_pose')],
      ['list_executions', nav, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['list_configurations', { entity_id: 'lidar', entity_type: 'apps' }, (j) => expect(ids(j.items)).toContain('noise_stddev')],
      ['set_configuration', { entity_id: 'lidar', entity_type: 'apps', param_name: 'noise_stddev', value: 0.02 }, (j) => expect(j.data).toBe(0.02)],
      ['get_configuration', { entity_id: 'lidar', entity_type: 'apps', param_name: 'noise_stddev' }, (j) => expect(j.data).toBe(0.02)],
      ['delete_configuration', { entity_id: 'lidar', entity_type: 'apps', param_name: 'noise_stddev' }, (j) => expect(j['x-medkit-mcp'].http_status).toBe(204)],
      ['delete_all_configurations', { entity_id: 'lidar', entity_type: 'apps' }, (j) => expect(j['x-medkit-mcp'].http_status).toBeLessThan(300)],
      ['area_components', { area_id: 'sensors' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['area_subareas', { area_id: 'base' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['area_contains', { area_id: 'sensors' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['component_subcomponents', { component_id: 'compute-unit' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['component_hosts', { component_id: 'lidar-unit' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['app_is_located_on', { app_id: 'lidar' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['app_belongs_to', { app_id: 'lidar' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['function_hosts', { function_id: 'environment-sensing' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['component_depends_on', { entity_id: 'lidar-unit', entity_type: 'components' }, (j) => expect(ids(j.items)).toContain('compute-unit')],
      ['app_depends_on', { entity_id: 'bt_navigator', entity_type: 'apps' }, (j) => expect(j.items).toBeInstanceOf(Array)],
      ['faults_clear_all', { entity_id: 'lidar', entity_type: 'apps' }, (j) => expect(j['x-medkit-mcp'].http_status).toBeLessThan(300)],
    ];
    for (const [tool, args, check] of rows) {
      for (const name of servedNames(tool)) {
        const r = await call(web, name, args);
        expect(r.isError, `${name} ${JSON.stringify(args)}: ${r.text}`).toBe(false);
        check(r.json);
      }
    }
    // Routes whose target does not exist answer the gateway's 404 for that route (the call went out as meant).
    const missing = await call(web, 'sovd_faults_clear', { entity_id: 'lidar', entity_type: 'apps', fault_id: 'NO_SUCH_FAULT' });
    expect(missing.json).toMatchObject({ error_code: 'resource-not-found', status: 404, source: 'gateway' });
    // Snapshots of the fault the safety island raised (through the federation): the entity's route is forwarded to
    // the island, and the robot-wide route (the Postman collection's) finds it on the island too.
    const scoped = await ok('ros2_medkit_faults_snapshots', { entity_id: 'safety_gate', entity_type: 'apps', fault_code: 'PROTECTIVE_STOP' });
    expect(scoped.fault_code).toBe('PROTECTIVE_STOP');
    expect(Object.keys(scoped.topics).length).toBeGreaterThan(0);
    // The robot-wide route answers from this gateway first: the demo's island link reports the relayed stop here
    // too (the root cause of the navigation aborts, packages/demo/config/main-correlation.yaml), with its own
    // freeze frame (the commanded velocity it cut).
    const robotWide = await ok('sovd_faults_snapshots', { fault_code: 'PROTECTIVE_STOP' });
    expect(robotWide.fault_code).toBe('PROTECTIVE_STOP');
    expect(Object.keys(robotWide.topics).length).toBeGreaterThan(0);
    // A code nobody holds is still the gateway's 404.
    const unknown = await call(web, 'sovd_faults_snapshots', { fault_code: 'NO_SUCH_FAULT' });
    expect(unknown.json).toMatchObject({ error_code: 'resource-not-found', status: 404, source: 'gateway' });
    // Data categories and groups (issue 24 point 3) through both names.
    expect((await ok('sovd_data_categories', { entity_id: 'lidar', entity_type: 'apps' })).items.map((c: any) => c.item)).toContain('currentData');
    expect((await ok('ros2_medkit_data_groups', { entity_id: 'lidar', entity_type: 'apps' })).items.length).toBeGreaterThan(0);
    // A reference-style call with a wrong type: the documented input error, no request.
    const wrong = await call(web, 'sovd_set_configuration', { entity_id: 'lidar', entity_type: 'apps', param_name: 5, value: 1 });
    expect(wrong.json).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
    expect(wrong.json.details.issues[0].path).toBe('param_name');

    // Executions the reference way: request_data starts a goal, update_data {stop: true} stops it while it runs.
    const getExecution = async (execution_id: string) => (await call(web, 'sovd_get_execution', { ...nav, execution_id })).json;
    const execution_id = await executingGoal(() => ok('ros2_medkit_create_execution', { ...nav, request_data: far }), getExecution);
    expect(ids((await ok('sovd_list_executions', nav)).items)).toContain(execution_id);
    await ok('sovd_control_execution', { ...nav, execution_id, update_data: { stop: true } });
    await eventually(async () => {
      const r = await call(stdio, 'ros2_medkit_get_execution', { ...nav, execution_id });
      return r.json?.['x-medkit']?.ros2_status === 'canceled' ? r : undefined;
    }, 'goal stopped by update_data', 30_000);
    // And cancel_execution with operation_name on another running goal.
    const second = await executingGoal(() => ok('sovd_create_execution', { ...nav, request_data: far }), getExecution);
    expect((await ok('ros2_medkit_cancel_execution', { ...nav, execution_id: second }))['x-medkit-mcp'].http_status).toBe(204);
  });

  it('refuses an operation on an entity another client has locked, and runs it once the lock is gone', async () => {
    const lock = await http(`${api}/apps/scenario/locks`, { method: 'POST', headers: { 'X-Client-Id': 'operator-7' }, json: { lock_expiration: 60 } });
    expect(lock.status).toBe(201);
    try {
      const refused = await call(stdio, 'sovd_create_execution', { entity_type: 'apps', entity_id: 'scenario', operation_id: 'trigger_person' });
      expect(refused.isError).toBe(true);
      expect(refused.json.status).toBe(409);
    } finally {
      await http(`${api}/apps/scenario/locks/${lock.body.id}`, { method: 'DELETE', headers: { 'X-Client-Id': 'operator-7' } });
    }
    const allowed = await call(stdio, 'sovd_create_execution', { entity_type: 'apps', entity_id: 'scenario', operation_id: 'trigger_person' });
    expect(allowed.isError, allowed.text).toBe(false);
  });

  it('answers every other tool with the gateway\'s content or its SOVD error', async () => {
    expect((await ok('sovd_version', {})).sovd_info ?? (await ok('sovd_version', {}))).toBeTruthy();
    expect(Object.keys(await ok('sovd_entities_list', {}))).toEqual(['areas', 'components', 'apps', 'functions', 'x-medkit-mcp']);
    expect((await ok('sovd_entities_get', { entity_type: 'apps', entity_id: 'lidar' })).id).toBe('lidar');
    expect((await ok('sovd_area_components', { area_id: 'base' })).items).toBeInstanceOf(Array);
    expect((await ok('sovd_entity_data', { entity_type: 'apps', entity_id: 'lidar' })).items.map((d: any) => d.id)).toContain('/scan');
    const battery = await eventually(async () => {
      const r = await call(web, 'sovd_entity_topic_data', { entity_type: 'apps', entity_id: 'battery_monitor', data_id: '/base/battery' });
      // A cold topic answers before its first sample arrives; ask until a reading is there.
      return typeof r.json?.data?.voltage === 'number' ? r.json : undefined;
    }, 'battery reading', 30_000);
    expect(typeof battery.data.voltage).toBe('number');
    expect((await ok('sovd_list_operations', { entity_type: 'apps', entity_id: 'bt_navigator' })).items.map((o: any) => o.id)).toContain('navigate_to_pose');
    expect((await ok('sovd_list_configurations', { entity_type: 'apps', entity_id: 'lidar' })).items.map((c: any) => c.id)).toContain('noise_stddev');
    await ok('sovd_set_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev', value: 0.0123 });
    expect((await ok('sovd_get_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev' })).data).toBeCloseTo(0.0123);
    await ok('sovd_delete_configuration', { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise_stddev' });
    await ok('sovd_delete_all_configurations', { entity_type: 'apps', entity_id: 'lidar' });
    const logs = await eventually(async () => {
      const r = await call(web, 'sovd_logs_query', { entity_type: 'apps', entity_id: 'battery_monitor', severity: 'info' });
      return r.json?.items?.length ? r.json.items : undefined;
    }, 'battery_monitor log lines', 30_000);
    expect(logs[0].message).toBeTypeOf('string');
    const twist = { entity_type: 'apps', entity_id: 'safety_gate', data_id: '/cmd_vel', type: 'geometry_msgs/msg/Twist', data: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } };
    // Without confirm the gateway refuses the command topic, naming it; the agent is to ask first.
    const unconfirmed = await call(web, 'sovd_publish_topic', twist);
    expect(unconfirmed.isError, unconfirmed.text).toBe(true);
    expect(unconfirmed.text).toContain('precondition-not-fulfilled');
    expect(unconfirmed.text).toContain('Writing /cmd_vel needs confirmation');
    await ok('sovd_publish_topic', { ...twist, confirm: '/cmd_vel' });
    const trigger = await ok('sovd_triggers_create', { entity_type: 'apps', entity_id: 'safety_gate', trigger: { resource: '/api/v1/apps/safety_gate/faults', trigger_condition: { condition_type: 'OnChange' }, multishot: true } });
    expect(trigger.id).toBeTypeOf('string');

    const op = { entity_type: 'apps', entity_id: 'bt_navigator', operation_id: 'navigate_to_pose' };
    expect((await ok('sovd_get_operation', op)).item ?? {}).toBeTypeOf('object');
    expect((await ok('sovd_list_executions', op)).items).toBeInstanceOf(Array);

    // The rest of the catalog against the robot, alternating the two name sets.
    expect((await ok('sovd_health', {})).status).toBeTypeOf('string');
    expect(await ok('ros2_medkit_server_info', {})).toBeTypeOf('object');
    expect((await ok('sovd_docs', { scope: 'apps/lidar/data' })).openapi).toBeTypeOf('string');
    expect((await ok('ros2_medkit_apps_list', {})).items.map((a: any) => a.id)).toContain('lidar');
    expect((await ok('sovd_app_is_located_on', { app_id: 'lidar' })).items).toBeInstanceOf(Array);
    expect((await ok('ros2_medkit_bulk_data_categories', { entity_type: 'apps', entity_id: 'safety_gate' })).items).toContain('rosbags');
    expect((await ok('sovd_bulk_data_list', { entity_type: 'apps', entity_id: 'safety_gate', category: 'rosbags' })).items).toBeInstanceOf(Array);
    expect((await ok('ros2_medkit_lifecycle_status', { entity_type: 'apps', entity_id: 'lidar' })).status).toMatch(/ready|notReady/);
    await ok('sovd_logs_set_configuration', { entity_type: 'apps', entity_id: 'lidar', max_entries: 50 });
    expect((await ok('ros2_medkit_logs_get_configuration', { entity_type: 'apps', entity_id: 'lidar' })).max_entries).toBe(50);

    const lock = await ok('ros2_medkit_locks_acquire', { entity_type: 'apps', entity_id: 'lidar', lock_expiration: 30, scopes: ['configurations'] });
    expect(lock.owned).toBe(true);
    expect((await ok('sovd_locks_list', { entity_type: 'apps', entity_id: 'lidar' })).items.map((l: any) => l.id)).toContain(lock.id);
    expect((await ok('sovd_locks_get', { entity_type: 'apps', entity_id: 'lidar', lock_id: lock.id })).owned).toBe(true);
    await ok('ros2_medkit_locks_extend', { entity_type: 'apps', entity_id: 'lidar', lock_id: lock.id, lock_expiration: 60 });
    await ok('sovd_locks_release', { entity_type: 'apps', entity_id: 'lidar', lock_id: lock.id });

    expect((await ok('ros2_medkit_triggers_list', { entity_type: 'apps', entity_id: 'safety_gate' })).items.map((t: any) => t.id)).toContain(trigger.id);
    expect((await ok('sovd_triggers_get', { entity_type: 'apps', entity_id: 'safety_gate', trigger_id: trigger.id })).id).toBe(trigger.id);
    await ok('ros2_medkit_triggers_update', { entity_type: 'apps', entity_id: 'safety_gate', trigger_id: trigger.id, lifetime: 600 });
    await ok('sovd_triggers_delete', { entity_type: 'apps', entity_id: 'safety_gate', trigger_id: trigger.id });

    const sub = await ok('sovd_subscriptions_create', { entity_type: 'apps', entity_id: 'battery_monitor', resource: '/api/v1/apps/battery_monitor/data/base/battery', interval: 'slow', duration: 60 });
    expect(sub.event_source).toMatch(/\/events$/);
    expect((await ok('ros2_medkit_subscriptions_list', { entity_type: 'apps', entity_id: 'battery_monitor' })).items.map((x: any) => x.id)).toContain(sub.id);
    expect((await ok('ros2_medkit_subscriptions_update', { entity_type: 'apps', entity_id: 'battery_monitor', subscription_id: sub.id, interval: 'normal' })).interval).toBe('normal');
    expect((await ok('sovd_subscriptions_get', { entity_type: 'apps', entity_id: 'battery_monitor', subscription_id: sub.id })).id).toBe(sub.id);
    await ok('sovd_subscriptions_delete', { entity_type: 'apps', entity_id: 'battery_monitor', subscription_id: sub.id });

    const list = await ok('ros2_medkit_data_lists_create', { entity_type: 'apps', entity_id: 'battery_monitor', name: 'power', items: ['/base/battery'] });
    expect((await ok('sovd_data_lists_get', { entity_type: 'apps', entity_id: 'battery_monitor', data_list_id: list.id })).items.length).toBe(1);
    expect((await ok('sovd_data_lists_list', { entity_type: 'apps', entity_id: 'battery_monitor' })).items.map((x: any) => x.id)).toContain(list.id);
    await ok('ros2_medkit_data_lists_delete', { entity_type: 'apps', entity_id: 'battery_monitor', data_list_id: list.id });

    // Errors come back as readable SOVD errors, not protocol failures.
    const missing = await call(web, 'sovd_faults_clear', { entity_type: 'apps', entity_id: 'lidar', fault_code: 'NO_SUCH_FAULT' });
    expect(missing.isError).toBe(true);
    expect(missing.json.status).toBe(404);
    const noScript = await call(web, 'sovd_scripts_execute', { entity_type: 'apps', entity_id: 'scenario', script_id: 'no_such_script' });
    expect(noScript.isError).toBe(true);
    expect(noScript.json.status).toBe(404);
    const badId = await call(web, 'sovd_entities_get', { entity_type: 'apps', entity_id: '../faults' });
    expect(badId.isError).toBe(true);
  });
  it('restarts the managed obstacle detector through the lifecycle tools and reads its lifecycle mode', async () => {
    const node = { entity_type: 'apps', entity_id: 'obstacle_detector' };
    expect((await ok('sovd_lifecycle_status', node)).status).toBe('ready');
    expect((await ok('ros2_medkit_modes_get', { ...node, mode_id: 'lifecycle' })).value).toBe('active');
    expect((await ok('sovd_modes_list', node)).items.map((m: any) => m.id)).toContain('lifecycle');
    const restart = await ok('ros2_medkit_lifecycle_transition', { ...node, transition: 'restart' });
    expect(restart['x-medkit-mcp'].http_status).toBe(202);
    const done = await eventually(async () => {
      const r = await call(web, 'sovd_lifecycle_status', node);
      const last = r.json?.['x-medkit']?.last_transition;
      return last?.transition === 'restart' && last?.state === 'succeeded' ? r.json : undefined;
    }, 'restart succeeded', 30_000);
    expect(done['x-medkit'].last_transition.steps).toEqual(['deactivate', 'cleanup', 'configure', 'activate']);
    expect(done.status).toBe('ready');
    // A value the lifecycle mode cannot take is the gateway's refusal.
    expect((await call(web, 'sovd_modes_set', { ...node, mode_id: 'lifecycle', value: 'inactive' })).json).toMatchObject({ source: 'gateway', status: 400 });
  });

  it("answers all 84 tool names of the reference server, called with its own arguments; what they change shows through REST", async () => {
    const called = new Set<string>();
    /** A reference call that must succeed; its JSON. */
    const ref = async (name: string, args: Record<string, unknown>, client: Client = web): Promise<any> => {
      called.add(name);
      return ok(name, args, client);
    };
    /** A reference call the demo's gateway refuses for its own reason (a feature the demo leaves unconfigured): that route's answer, not an input error. */
    const refusedByGateway = async (name: string, args: Record<string, unknown>, status: number, mentions = ''): Promise<void> => {
      called.add(name);
      const r = await call(web, name, args);
      expect(r.isError, `${name}: ${r.text}`).toBe(true);
      expect(r.json, name).toMatchObject({ source: 'gateway', status });
      expect(r.json.message, name).toContain(mentions);
    };
    const rest = async (path: string) => (await http(`${api}${path}`)).body;
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    /** The fault codes of a list of faults. */
    const codes = (list: { fault_code: string }[] | undefined) => (list ?? []).map((f) => f.fault_code);
    const lidar = { entity_id: 'lidar', entity_type: 'apps' };
    const battery = { entity_id: 'battery_monitor', entity_type: 'apps' };

    // Discovery and reads.
    expect((await ref('ros2_medkit_version', {})).sovd_info).toBeInstanceOf(Array);
    expect((await ref('ros2_medkit_health', {})).status).toBeTypeOf('string');
    expect(ids((await ref('ros2_medkit_entities_list', { filter: 'lidar' })).apps)).toContain('lidar');
    expect(ids((await ref('ros2_medkit_areas_list', {})).items)).toContain('sensors');
    expect((await ref('ros2_medkit_area_get', { area_id: 'sensors' })).id).toBe('sensors');
    expect(ids((await ref('ros2_medkit_components_list', {})).items)).toContain('lidar-unit');
    expect((await ref('ros2_medkit_component_get', { component_id: 'lidar-unit' }, stdio)).id).toBe('lidar-unit');
    expect((await ref('ros2_medkit_entities_get', { entity_id: 'lidar' })).id).toBe('lidar');
    expect((await ref('ros2_medkit_area_components', { area_id: 'sensors' })).items).toBeInstanceOf(Array);
    expect((await ref('ros2_medkit_area_subareas', { area_id: 'base' })).items).toBeInstanceOf(Array);
    expect((await ref('ros2_medkit_area_contains', { area_id: 'sensors' })).items).toBeInstanceOf(Array);
    expect(ids((await ref('ros2_medkit_apps_list', {})).items)).toContain('battery_monitor');
    expect((await ref('ros2_medkit_apps_get', { app_id: 'lidar' })).id).toBe('lidar');
    expect(ids((await ref('ros2_medkit_apps_dependencies', { app_id: 'sensor_monitor' })).items)).toEqual(expect.arrayContaining(['lidar', 'battery_monitor']));
    expect(ids((await ref('ros2_medkit_functions_list', {})).items)).toContain('environment-sensing');
    expect((await ref('ros2_medkit_functions_get', { function_id: 'environment-sensing' }, stdio)).id).toBe('environment-sensing');
    expect(ids((await ref('ros2_medkit_functions_hosts', { function_id: 'environment-sensing' })).items)).toContain('lidar');
    expect((await ref('ros2_medkit_component_subcomponents', { component_id: 'compute-unit' })).items).toBeInstanceOf(Array);
    expect(ids((await ref('ros2_medkit_component_hosts', { component_id: 'lidar-unit' })).items)).toContain('lidar');
    expect(ids((await ref('ros2_medkit_component_dependencies', { component_id: 'lidar-unit' })).items)).toContain('compute-unit');
    expect(ids((await ref('ros2_medkit_entity_data', lidar)).items)).toContain('/scan');
    expect(JSON.stringify(await ref('ros2_medkit_entity_topic_data', { ...lidar, topic_name: '/scan' }))).toContain('/scan');
    expect((await ref('ros2_medkit_data_categories', lidar)).items.length).toBeGreaterThan(0);
    expect((await ref('ros2_medkit_data_groups', lidar)).items.length).toBeGreaterThan(0);
    expect(ids((await ref('ros2_medkit_list_operations', { entity_id: 'bt_navigator', entity_type: 'apps' })).items)).toContain('navigate_to_pose');

    // Operations: a navigation goal stopped with update_data, another cancelled.
    const nav = { entity_id: 'bt_navigator', entity_type: 'apps', operation_name: 'navigate_to_pose' };
    const far = { pose: { header: { frame_id: 'map' }, pose: { position: { x: 1000, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } } };
    const execution = (id: string) => `/apps/bt_navigator/operations/navigate_to_pose/executions/${id}`;
    expect((await ref('ros2_medkit_get_operation', nav)).item).toBeTypeOf('object');
    for (const [name, extra] of [['ros2_medkit_update_execution', { update_data: { stop: true } }], ['ros2_medkit_cancel_execution', {}]] as const) {
      const goal = { id: await executingGoal(() => ref('ros2_medkit_create_execution', { ...nav, request_data: far }), (execution_id) => ref('ros2_medkit_get_execution', { ...nav, execution_id })) };
      expect(ids((await ref('ros2_medkit_list_executions', nav)).items)).toContain(goal.id);
      await ref(name, { ...nav, execution_id: goal.id, ...extra });
      await eventually(async () => ((await rest(execution(goal.id)))?.['x-medkit']?.ros2_status === 'canceled' ? true : undefined), `${name} cancels the goal`, 30_000);
    }

    // Publishing: a plan half a metre ahead on /plan makes the controller drive the robot there, as /odom shows through REST.
    // The patrol keeps sending goals (ten times real speed here), and bt_navigator publishes each goal's plan over
    // the test's: the test's plan is published again on every look at /odom, so the latest plan is the test's.
    const odomX = async () => (await rest('/apps/motor_controller/data/%2Fodom'))?.data?.pose?.pose?.position?.x as number;
    const x0 = await eventually(async () => (typeof (await odomX()) === 'number' ? odomX() : undefined), 'odometry', 15_000);
    const pose = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' }, pose: { position: { x: x0 + 0.5, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
    const publishPlan = () => ref('ros2_medkit_publish_topic', { entity_id: 'controller_server', entity_type: 'apps', topic_name: '/plan', data: { header: pose.header, poses: [pose] }, confirm: '/plan' });
    try {
      await eventually(async () => (await publishPlan(), (await odomX()) > x0 + 0.3 ? true : undefined), 'the robot driven by the published plan', 30_000);
    } catch (e) {
      // The chain is plan → controller (/cmd_vel) → island link → safety gate (/cmd_vel_safe) → motor (/odom): say where it stopped.
      throw new Error(`${(e as Error).message} (from x=${x0}):\n${await driveChain(rest)}`);
    }

    // Configurations.
    const noise = '/apps/lidar/configurations/noise_stddev';
    const initial = (await rest(noise)).data;
    await ref('ros2_medkit_set_configuration', { ...lidar, param_name: 'noise_stddev', value: 0.031 });
    expect((await rest(noise)).data).toBe(0.031);
    expect((await ref('ros2_medkit_get_configuration', { ...lidar, param_name: 'noise_stddev' })).data).toBe(0.031);
    expect(ids((await ref('ros2_medkit_list_configurations', lidar)).items)).toContain('noise_stddev');
    await ref('ros2_medkit_delete_configuration', { ...lidar, param_name: 'noise_stddev' });
    expect((await rest(noise)).data).toBe(initial);
    await http(`${api}${noise}`, { method: 'PUT', json: { data: 0.032 } });
    await ref('ros2_medkit_delete_all_configurations', lidar);
    expect((await rest(noise)).data).toBe(initial);

    // Faults of the robot's own gateway: a low pack (the voltage parameter) raises BATTERY_LOW, with its recording.
    const lowPack = async () => {
      await http(`${api}/apps/battery_monitor/configurations/voltage`, { method: 'PUT', json: { data: 21.5 } });
      await eventually(async () => codes((await rest('/apps/battery_monitor/faults'))?.items).includes('BATTERY_LOW') || undefined, 'BATTERY_LOW raised', 30_000);
    };
    const batteryFaults = async () => codes((await rest('/apps/battery_monitor/faults')).items);
    await lowPack();
    expect(codes((await ref('ros2_medkit_faults_list', battery)).items)).toContain('BATTERY_LOW');
    expect(codes((await ref('ros2_medkit_all_faults_list', {})).items)).toContain('BATTERY_LOW');
    const detail = await eventually(async () => {
      const d = await ref('ros2_medkit_faults_get', { ...battery, fault_id: 'BATTERY_LOW' });
      return /\/bulk-data\/rosbags\//.test(JSON.stringify(d)) ? d : undefined;
    }, 'BATTERY_LOW recording', 60_000);
    expect(detail.item.code).toBe('BATTERY_LOW');
    // The detail's link is in the reference's form (under the API base), which the reference tools take as it is.
    const uri = JSON.stringify(detail).match(/"(\/apps\/battery_monitor\/bulk-data\/rosbags\/[^"]+)"/)![1];
    expect((await ref('ros2_medkit_bulkdata_categories', { entity_id: 'battery_monitor' })).items).toContain('rosbags');
    expect(ids((await ref('ros2_medkit_bulkdata_list', { entity_id: 'battery_monitor', category: 'rosbags' })).items)).toContain(uri.split('/').at(-1));
    const info = await ref('ros2_medkit_bulkdata_info', { bulk_data_uri: uri });
    expect(info.size).toBeGreaterThan(0);
    expect(info.filename).toMatch(/\.mcap$/);
    // The recording saved as a file into the reference's output_dir (in the temp dir), answered with its path;
    // for the fault without output_dir, its newest recording saved in the server's download directory (or inline
    // when it fits the answer).
    const out = mkdtempSync(join(tmpdir(), 'medkit-mcp-demo-'));
    try {
      for (const [name, args] of [['ros2_medkit_bulkdata_download', { bulk_data_uri: uri, output_dir: out }], ['ros2_medkit_bulkdata_download_for_fault', { entity_id: 'battery_monitor', fault_code: 'BATTERY_LOW' }]] as const) {
        called.add(name);
        const r = await call(web, name, args);
        expect(r.isError, `${name}: ${r.text}`).toBe(false);
        expect(r.json.size, name).toBeGreaterThan(0);
        if (r.json.path === undefined) expect(r.json.encoding, name).toBe('base64');
        else {
          expect(statSync(r.json.path).size, name).toBe(r.json.size);
          if (name === 'ros2_medkit_bulkdata_download') expect(r.json).toMatchObject({ size: info.size, path: join(out, info.filename) });
          else rmSync(r.json.path);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    await ref('ros2_medkit_faults_clear', { ...battery, fault_id: 'BATTERY_LOW' });
    expect(await batteryFaults()).not.toContain('BATTERY_LOW');
    // A fresh pack, then a low one again: a new occurrence for clear_all_faults.
    await http(`${api}/apps/battery_monitor/configurations/voltage`, { method: 'PUT', json: { data: 25.0 } });
    await eventually(async () => ((await rest('/apps/battery_monitor/configurations/voltage')).data > 24 ? true : undefined), 'pack swapped', 15_000);
    // One tick of the monitor (a simulated second) sees the fresh pack and passes the fault.
    await new Promise((r) => setTimeout(r, 1500));
    await lowPack();
    await ref('ros2_medkit_clear_all_faults', battery);
    expect(await batteryFaults()).toEqual([]);
    await http(`${api}/apps/battery_monitor/configurations/voltage`, { method: 'DELETE' });

    // Snapshots of the protective stop a person causes (create_execution of the scenario, seen through REST).
    expect((await ref('ros2_medkit_create_execution', { entity_id: 'scenario', entity_type: 'apps', operation_name: 'trigger_person' })).parameters.success).toBe(true);
    await eventually(async () => codes((await rest('/faults?status=all'))?.items).includes('PROTECTIVE_STOP') || undefined, 'PROTECTIVE_STOP', 60_000);
    expect((await ref('ros2_medkit_fault_snapshots', { entity_id: 'safety_gate', entity_type: 'apps', fault_code: 'PROTECTIVE_STOP' })).fault_code).toBe('PROTECTIVE_STOP');
    expect((await ref('ros2_medkit_system_fault_snapshots', { fault_code: 'PROTECTIVE_STOP' })).fault_code).toBe('PROTECTIVE_STOP');

    // Logs.
    await eventually(async () => ((await ref('ros2_medkit_list_logs', battery)).items?.length ? true : undefined), 'battery_monitor log lines', 30_000);
    await ref('ros2_medkit_set_log_configuration', { ...battery, config: { severity_filter: 'info', max_entries: 77 } });
    expect(await rest('/apps/battery_monitor/logs/configuration')).toMatchObject({ severity_filter: 'info', max_entries: 77 });
    expect((await ref('ros2_medkit_get_log_configuration', battery)).max_entries).toBe(77);

    // Triggers.
    const trigger = await ref('ros2_medkit_create_trigger', { ...battery, trigger_config: { resource: '/api/v1/apps/battery_monitor/faults', trigger_condition: { condition_type: 'OnChange' } } });
    const triggerPath = `/apps/battery_monitor/triggers/${trigger.id}`;
    expect((await rest(triggerPath)).id).toBe(trigger.id);
    expect(ids((await ref('ros2_medkit_list_triggers', battery)).items)).toContain(trigger.id);
    expect((await ref('ros2_medkit_get_trigger', { ...battery, trigger_id: trigger.id })).id).toBe(trigger.id);
    await ref('ros2_medkit_update_trigger', { ...battery, trigger_id: trigger.id, trigger_config: { lifetime: 600 } });
    expect((await rest(triggerPath)).lifetime).toBe(600);
    await ref('ros2_medkit_delete_trigger', { ...battery, trigger_id: trigger.id });
    expect((await http(`${api}${triggerPath}`)).status).toBe(404);

    // Locks, held under the MCP connection's client id (the reference's client_id is not used).
    const lockArgs = { ...lidar, client_id: 'ros2_medkit_mcp' };
    const lock = await ref('ros2_medkit_acquire_lock', { ...lockArgs, lock_config: { lock_expiration: 60, scopes: ['configurations'] } });
    const locks = async () => (await rest('/apps/lidar/locks')).items as { id: string; lock_expiration: string }[];
    expect(ids(await locks())).toEqual([lock.id]);
    expect(ids((await ref('ros2_medkit_list_locks', lidar)).items)).toContain(lock.id);
    expect((await ref('ros2_medkit_get_lock', { ...lidar, lock_id: lock.id })).owned).toBe(true);
    // Extended from 60 s to 120 s: the new expiry is later whatever the time between the two reads, no wait needed.
    const expiry = (await locks())[0].lock_expiration;
    await ref('ros2_medkit_extend_lock', { ...lockArgs, lock_id: lock.id, lock_config: { lock_expiration: 120 } });
    expect(Date.parse((await locks())[0].lock_expiration)).toBeGreaterThan(Date.parse(expiry));
    await ref('ros2_medkit_release_lock', { ...lockArgs, lock_id: lock.id });
    expect(await locks()).toEqual([]);

    // Cyclic subscriptions.
    const sub = await ref('ros2_medkit_create_cyclic_sub', { ...battery, sub_config: { resource: '/api/v1/apps/battery_monitor/data/base/battery', interval: 'slow', duration: 60 } });
    const subPath = `/apps/battery_monitor/cyclic-subscriptions/${sub.id}`;
    expect((await rest(subPath)).interval).toBe('slow');
    expect(ids((await ref('ros2_medkit_list_cyclic_subs', battery)).items)).toContain(sub.id);
    expect((await ref('ros2_medkit_get_cyclic_sub', { ...battery, subscription_id: sub.id })).id).toBe(sub.id);
    await ref('ros2_medkit_update_cyclic_sub', { ...battery, subscription_id: sub.id, sub_config: { interval: 'normal' } });
    expect((await rest(subPath)).interval).toBe('normal');
    await ref('ros2_medkit_delete_cyclic_sub', { ...battery, subscription_id: sub.id });
    expect((await http(`${api}${subPath}`)).status).toBe(404);

    // Scripts: the reference uploads its text as script.py to a component (its default collection).
    const unit = { entity_id: 'compute-unit' };
    const script = { ...unit, script_id: 'script' };
    // A failed try must not leave its script (and a run of it) behind for the retry: its upload would be a 409.
    onTestFinished(async () => {
      const scriptPath = `${api}/components/compute-unit/scripts/script`;
      const runs = ((await http(`${scriptPath}/executions`)).body?.items ?? []) as { id: string; status: string }[];
      for (const r of runs.filter((x) => x.status === 'running')) await http(`${scriptPath}/executions/${r.id}`, { method: 'PUT', json: { action: 'forced_termination' } });
      await eventually(async () => ([204, 404].includes((await http(scriptPath, { method: 'DELETE' })).status) ? true : undefined), 'the script deleted', 10_000);
    });
    await ref('ros2_medkit_upload_script', { ...unit, script_content: 'import time\nprint("MEDKIT_PROGRESS 10 waiting to be stopped", flush=True)\ntime.sleep(120)\n' });
    expect((await rest('/components/compute-unit/scripts/script')).id).toBe('script');
    expect(ids((await ref('ros2_medkit_list_scripts', unit)).items)).toContain('script');
    expect((await ref('ros2_medkit_get_script', script)).id).toBe('script');
    const run = await ref('ros2_medkit_execute_script', script);
    const runPath = `/components/compute-unit/scripts/script/executions/${run.id}`;
    await eventually(async () => ((await ref('ros2_medkit_get_script_execution', { ...script, execution_id: run.id })).status === 'running' ? true : undefined), 'script running', 30_000);
    await ref('ros2_medkit_control_script_execution', { ...script, execution_id: run.id, action: { action: 'stop' } });
    const stopped = await eventually(async () => {
      const s = await rest(runPath);
      return s?.status && s.status !== 'running' ? s : undefined;
    }, 'script run stopped', 30_000);
    expect(stopped.status).not.toBe('completed');
    await ref('ros2_medkit_delete_script', script);
    expect((await http(`${api}/components/compute-unit/scripts/script`)).status).toBe(404);

    // The demo configures no bulk-data upload category and no update backend: those calls reach their routes and
    // get the gateway's own refusal (packages/gateway/test/mcp shows their effects on a gateway that has them).
    await refusedByGateway('ros2_medkit_bulkdata_upload', { entity_id: 'lidar', category: 'calibration', file_content: Buffer.from('k: 1\n').toString('base64'), filename: 'c.yaml' }, 400, "Unknown bulk-data category 'calibration'");
    await refusedByGateway('ros2_medkit_bulkdata_delete', { entity_id: 'lidar', category: 'calibration', item_id: 'c' }, 400, "Unknown bulk-data category 'calibration'");
    await refusedByGateway('ros2_medkit_list_updates', {}, 501);
    await refusedByGateway('ros2_medkit_register_update', { update_config: { id: 'nav-2', update_name: 'Navigation 2', automated: false, origins: ['remote'] } }, 501);
    for (const name of ['ros2_medkit_get_update', 'ros2_medkit_get_update_status', 'ros2_medkit_delete_update']) await refusedByGateway(name, { update_id: 'nav-2' }, 501);
    for (const name of ['ros2_medkit_prepare_update', 'ros2_medkit_execute_update', 'ros2_medkit_automate_update']) await refusedByGateway(name, { update_id: 'nav-2', config: {} }, 501);

    expect([...called].sort()).toEqual([...REFERENCE_TOOL_NAMES].sort());
  }, 420_000);
});
