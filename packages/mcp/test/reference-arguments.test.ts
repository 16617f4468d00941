// Generated from the reference MCP server's tool list (src/reference-tools.ts): each of its 84 tools,
// under both prefixes, is called with every argument name its input schema declares, and none is refused
// as unknown; each name's published input schema lists them all. The gateway is a recording fetch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_TOOL_ARGUMENTS, REFERENCE_TOOL_NAMES } from '../src/index.js';
import { pair, type Seen } from './support/recording-gateway.js';

const DOWNLOADS = mkdtempSync(join(tmpdir(), 'medkit-mcp-args-'));
afterAll(() => rmSync(DOWNLOADS, { recursive: true, force: true }));

/** A value of the reference's type for each argument name it uses (its schemas give each name one meaning). */
const VALUE: Record<string, unknown> = {
  filter: 'lid',
  area_id: 'base',
  component_id: 'base',
  app_id: 'lidar',
  function_id: 'drive',
  entity_id: 'lidar',
  entity_type: 'apps',
  fault_id: 'STALE',
  fault_code: 'STALE',
  topic_name: '/scan',
  data: { range_min: 0.1 },
  operation_name: 'calibrate',
  request_data: { passes: 2 },
  execution_id: 'e1',
  update_data: { stop: true },
  param_name: 'gain',
  value: 2,
  category: 'calibration',
  bulk_data_uri: '/apps/lidar/bulk-data/rosbags/rec_1',
  output_dir: 'recordings',
  file_content: Buffer.from('k: 1\n').toString('base64'),
  filename: 'c.yaml',
  item_id: 'c',
  config: { severity_filter: 'info', max_entries: 100 },
  trigger_id: 't1',
  trigger_config: { resource: '/api/v1/apps/lidar/faults', trigger_condition: { condition_type: 'OnChange' } },
  script_id: 'check',
  script_content: 'print(1)\n',
  params: { parameters: {} },
  action: { action: 'stop' },
  lock_id: 'l1',
  lock_config: { lock_expiration: 60 },
  client_id: 'ros2_medkit_mcp',
  sub_config: { resource: '/api/v1/apps/lidar/data/%2Fscan', interval: 'fast', duration: 60 },
  subscription_id: 's1',
  update_config: { id: 'u1' },
  update_id: 'u1',
};

/** Where an update takes only part of what a creation does (the gateway cannot move a trigger or subscription to another resource). */
const VALUE_FOR: Record<string, Record<string, unknown>> = {
  update_trigger: { trigger_config: { lifetime: 60 } },
  update_cyclic_sub: { sub_config: { interval: 'slow', duration: 120 } },
};

function answer(req: Seen): Response {
  if (req.method === 'HEAD' || req.method === 'DELETE') return new Response(null, { status: req.method === 'HEAD' ? 200 : 204 });
  if (req.url.includes('/bulk-data/rosbags/')) return new Response('file', { headers: { 'content-type': 'application/octet-stream' } });
  return Response.json({ items: [{ id: '/scan', 'x-medkit': { ros2: { topic: '/scan', type: 'sensor_msgs/msg/LaserScan' } } }] });
}

const TOOLS = REFERENCE_TOOL_NAMES.map((n) => n.replace(/^ros2_medkit_/, ''));

describe('every reference tool takes every argument its schema declares', () => {
  it('has the argument list of every reference tool', () => {
    expect(Object.keys(REFERENCE_TOOL_ARGUMENTS).sort()).toEqual([...TOOLS].sort());
    for (const args of Object.values(REFERENCE_TOOL_ARGUMENTS)) for (const a of args) expect(VALUE, a).toHaveProperty(a);
  });

  it('publishes each argument in the input schema of each name', async () => {
    const { client } = await pair(answer, { downloadDir: DOWNLOADS });
    const schemas = new Map((await client.listTools()).tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})]));
    for (const tool of TOOLS) {
      for (const prefix of ['ros2_medkit_', 'sovd_']) expect(schemas.get(`${prefix}${tool}`), `${prefix}${tool}`).toEqual(expect.arrayContaining([...REFERENCE_TOOL_ARGUMENTS[tool]]));
    }
  });

  it.each(TOOLS)('%s: called with all of them, none is refused as unknown', async (tool) => {
    const { client, seen } = await pair(answer, { downloadDir: DOWNLOADS });
    const args = Object.fromEntries(REFERENCE_TOOL_ARGUMENTS[tool].map((a) => [a, VALUE_FOR[tool]?.[a] ?? VALUE[a]]));
    for (const prefix of ['ros2_medkit_', 'sovd_']) {
      const r = (await client.callTool({ name: `${prefix}${tool}`, arguments: args })) as { isError?: boolean; content: { text: string }[] };
      expect(r.content[0].text, `${prefix}${tool} ${JSON.stringify(args)}`).not.toMatch(/Unrecognized key/i);
      // And it is not refused before the gateway for any other reason: each call reaches it.
      expect(r.isError && JSON.parse(r.content[0].text).source === 'mcp', `${prefix}${tool}: ${r.content[0].text}`).toBeFalsy();
    }
    expect(seen.length).toBeGreaterThan(0);
  });

  it('passes the robot-wide list its correlation views (the reported all_faults_list call)', async () => {
    const { client, seen } = await pair(answer);
    const r = (await client.callTool({ name: 'ros2_medkit_all_faults_list', arguments: { status: 'all', include_muted: true, include_clusters: true } })) as { isError?: boolean };
    expect(r.isError).toBeFalsy();
    expect(seen.map((s) => s.url)).toEqual(['http://gw.test/api/v1/faults?status=all&include_muted=true&include_clusters=true']);
  });
});
