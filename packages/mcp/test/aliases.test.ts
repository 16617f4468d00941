// The reference MCP server's argument names on our tools: each reference-style call (as ros2_medkit_mcp's
// argument models name things) becomes the REST request our own names would, under both name sets; an
// entity_id alone means a component; alias/own-name conflicts and wrongly typed reference calls get the
// documented error JSON before any request. The gateway is a recording fetch here; mcp-demo.test.ts runs
// the same calls against the demo robot.
import { describe, expect, it } from 'vitest';
import { pair, type Seen } from './support/recording-gateway.js';

const BASE = 'http://gw.test/api/v1';

/** A gateway that knows /scan's type, has "lidar" as an app only, no "ghost" anywhere, and answers lists otherwise. */
function answer(req: Seen): Response {
  const path = req.url.slice(BASE.length).split('?')[0];
  if (path.endsWith('/data') && req.method === 'GET') return Response.json({ items: [{ id: '/scan', name: 'scan', 'x-medkit': { ros2: { topic: '/scan', type: 'sensor_msgs/msg/LaserScan' } } }] });
  // As the gateway answers an id of another collection, and an unknown one.
  if (path === '/components/lidar') return Response.json({ error_code: 'invalid-parameter', message: "'lidar' is a app, not a component", parameters: { entity_id: 'lidar', expected_type: 'component', actual_type: 'app' } }, { status: 400 });
  if (['/components/ghost', '/apps/ghost', '/areas/ghost', '/functions/ghost'].includes(path)) return Response.json({ error_code: 'entity-not-found', message: 'no such entity' }, { status: 404 });
  if (req.method === 'DELETE') return new Response(null, { status: 204 });
  return Response.json({ items: [{ id: 'lidar', name: 'Lidar' }, { id: 'imu', name: 'IMU sensor' }] });
}

type Row = [tool: string, args: Record<string, unknown>, requests: string[], body?: unknown];
const app = { entity_id: 'lidar', entity_type: 'apps' };

// Each reference call on our own tool names and the requests it must make ("METHOD path"), with the last
// request's JSON body; the calls under the reference's own tool names are reference-names.test.ts's table.
const ROWS: Row[] = [
  ['entities_get', { entity_id: 'lidar' }, ['GET /components/lidar', 'GET /apps/lidar']],
  ['faults_snapshots', { ...app, fault_code: 'LIDAR_STALE' }, ['GET /apps/lidar/faults/LIDAR_STALE/snapshots']],
  ['faults_snapshots', { fault_code: 'LIDAR_STALE' }, ['GET /faults/LIDAR_STALE/snapshots']],
  ['faults_clear_all', app, ['DELETE /apps/lidar/faults']],
  ['control_execution', { ...app, operation_name: 'calibrate', execution_id: 'e1', update_data: { stop: true } }, ['PUT /apps/lidar/operations/calibrate/executions/e1'], { capability: 'stop' }],
  ['app_is_located_on', { app_id: 'lidar' }, ['GET /apps/lidar/is-located-on']],
  ['app_belongs_to', { app_id: 'lidar' }, ['GET /apps/lidar/belongs-to']],
  ['function_hosts', { function_id: 'drive' }, ['GET /functions/drive/hosts']],
  ['component_depends_on', { entity_id: 'base', entity_type: 'components' }, ['GET /components/base/depends-on']],
  ['app_depends_on', { entity_id: 'lidar', entity_type: 'apps' }, ['GET /apps/lidar/depends-on']],
];

type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };

describe('reference argument names', () => {
  it.each(ROWS)('%s %j reaches the same REST route under both names', async (tool, args, requests, body) => {
    for (const name of [`sovd_${tool}`, `ros2_medkit_${tool}`]) {
      const { client, seen } = await pair(answer);
      const r = (await client.callTool({ name, arguments: args })) as Result;
      expect(r.isError, `${name}: ${r.content[0]?.text}`).not.toBe(true);
      expect(seen.map((s) => `${s.method} ${s.url.slice(BASE.length).split('?')[0]}`)).toEqual(requests);
      if (body !== undefined) expect(JSON.parse(seen.at(-1)!.body!)).toEqual(body);
    }
  });

  it('answers entities_get by id alone with the not-found of the last collection when no collection holds it', async () => {
    const { client, seen } = await pair(answer);
    const r = (await client.callTool({ name: 'sovd_entities_get', arguments: { entity_id: 'ghost' } })) as Result;
    expect(r.isError).toBe(true);
    expect(JSON.parse(r.content[0].text)).toMatchObject({ error_code: 'resource-not-found', status: 404 });
    expect(seen.map((s) => s.url.slice(BASE.length))).toEqual(['/components/ghost', '/apps/ghost', '/areas/ghost', '/functions/ghost']);
  });

  it('filters entities_list by a substring of id or name', async () => {
    const { client, seen } = await pair(answer);
    const r = (await client.callTool({ name: 'ros2_medkit_entities_list', arguments: { filter: 'sensor' } })) as Result;
    expect(seen.length).toBe(4);
    for (const type of ['areas', 'components', 'apps', 'functions']) expect(r.structuredContent?.[type]).toEqual([{ id: 'imu', name: 'IMU sensor' }]);
  });

  it('refuses conflicting names, a reference call with a wrong type and an update_data naming no capability, before any request', async () => {
    const { client, seen } = await pair(answer);
    const cases: [string, Record<string, unknown>, string][] = [
      ['sovd_faults_get', { ...app, fault_id: 'A', fault_code: 'B' }, 'fault_id and fault_code'],
      ['ros2_medkit_set_configuration', { entity_id: 'lidar', param_name: 5, value: 1 }, 'param_name'],
      ['sovd_create_execution', { entity_id: 'lidar', operation_name: 'x', request_data: 'go' }, 'request_data'],
      ['sovd_control_execution', { entity_id: 'lidar', operation_name: 'x', execution_id: 'e', update_data: { stop: false } }, 'update_data'],
      ['sovd_control_execution', { entity_id: 'lidar', operation_name: 'x', execution_id: 'e', update_data: { capability: 'pause' } }, 'update_data'],
      ['sovd_app_depends_on', { entity_id: 'lidar', entity_type: 'components' }, 'entity_type'],
      ['sovd_faults_get', { entity_id: 'lidar', entity_type: 'robots', fault_id: 'A' }, 'entity_type'],
    ];
    for (const [name, args, mentions] of cases) {
      const r = (await client.callTool({ name, arguments: args })) as Result;
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      const err = JSON.parse(r.content[0].text);
      expect(err).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
      expect(err.message, name).toContain(mentions);
    }
    // The same value under both names is one argument.
    const same = (await client.callTool({ name: 'sovd_faults_get', arguments: { ...app, fault_id: 'A', fault_code: 'A' } })) as Result;
    expect(same.isError).not.toBe(true);
    expect(seen.map((s) => s.url)).toEqual([`${BASE}/apps/lidar/faults/A`]);
  });

  it('publishes the aliases in the input schemas, with the aliased arguments and entity_type optional', async () => {
    const { client } = await pair(answer);
    const { tools } = await client.listTools();
    const schema = (name: string) => tools.find((t) => t.name === name)!.inputSchema as { properties: Record<string, { type?: string; description?: string }>; required?: string[] };
    for (const [tool, alias, ours] of [['sovd_faults_get', 'fault_id', 'fault_code'], ['ros2_medkit_entity_topic_data', 'topic_name', 'data_id'], ['sovd_create_execution', 'operation_name', 'operation_id'], ['sovd_create_execution', 'request_data', 'parameters'], ['ros2_medkit_get_configuration', 'param_name', 'config_id'], ['sovd_control_execution', 'update_data', 'capability']]) {
      const s = schema(tool);
      expect(s.properties[alias]?.description, `${tool}.${alias}`).toContain(ours);
      expect(s.required ?? [], tool).not.toContain(ours);
      expect(s.required ?? [], tool).not.toContain('entity_type');
      expect(s.required ?? [], tool).toContain('entity_id');
    }
    expect(schema('sovd_faults_get').properties.fault_id.type).toBe('string');
  });
});
