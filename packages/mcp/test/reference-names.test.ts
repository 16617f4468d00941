// The reference MCP server's tool names (src/reference-tools.ts, copied from its source): each one is
// served under both prefixes, and a call with the reference's own arguments under it becomes the REST
// request the reference means; its argument shapes that cannot mean anything here are refused with the
// documented input error before any request. The gateway is a recording fetch; mcp-demo.test.ts makes
// the same calls on the demo robot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declarationNames, CATALOG, REFERENCE_SOURCE, REFERENCE_TOOL_NAMES, referenceTarget, servedNames } from '../src/index.js';
import { pair, type Seen } from './support/recording-gateway.js';

const BASE = 'http://gw.test/api/v1';
// Downloads saved under the reference's output_dir land here, not in the OS temp dir.
const DOWNLOADS = mkdtempSync(join(tmpdir(), 'medkit-mcp-ref-'));
afterAll(() => rmSync(DOWNLOADS, { recursive: true, force: true }));

function answer(req: Seen): Response {
  if (req.method === 'HEAD') return new Response(null, { status: 200, headers: { 'content-length': '1234', 'content-type': 'application/x-mcap', 'content-disposition': 'attachment; filename="rec.mcap"' } });
  if (req.method === 'DELETE') return new Response(null, { status: 204 });
  if (req.url.includes('/bulk-data/rosbags/') || req.url.includes('/bulk-data/calibration/')) return new Response('file', { headers: { 'content-type': 'application/octet-stream' } });
  return Response.json({ items: [{ id: '/scan', 'x-medkit': { ros2: { topic: '/scan', type: 'sensor_msgs/msg/LaserScan' } } }] });
}

const app = { entity_id: 'lidar', entity_type: 'apps' };
const comp = { entity_id: 'base' };
const op = { ...app, operation_name: 'calibrate' };
const script = { ...comp, script_id: 'check' };
const lock = { ...comp, lock_id: 'l1' };
const sub = { ...comp, subscription_id: 's1' };

// [reference name without its prefix, the reference's arguments, requests ("METHOD path"), the last request's JSON body]
type Row = [name: string, args: Record<string, unknown>, requests: string[], body?: unknown];
const ROWS: Row[] = [
  ['version', {}, ['GET /version-info']],
  ['health', {}, ['GET /health']],
  ['entities_list', { filter: 'lid' }, ['GET /areas', 'GET /components', 'GET /apps', 'GET /functions']],
  ['areas_list', {}, ['GET /areas']],
  ['area_get', { area_id: 'base' }, ['GET /areas/base']],
  ['components_list', {}, ['GET /components']],
  ['component_get', { component_id: 'base' }, ['GET /components/base']],
  ['entities_get', { entity_id: 'base' }, ['GET /components/base']],
  ['faults_list', app, ['GET /apps/lidar/faults']],
  ['faults_get', { ...app, fault_id: 'STALE' }, ['GET /apps/lidar/faults/STALE']],
  ['faults_clear', { ...comp, fault_id: 'STALE' }, ['DELETE /components/base/faults/STALE']],
  ['all_faults_list', {}, ['GET /faults']],
  ['clear_all_faults', app, ['DELETE /apps/lidar/faults']],
  ['fault_snapshots', { ...app, fault_code: 'STALE' }, ['GET /apps/lidar/faults/STALE/snapshots']],
  ['system_fault_snapshots', { fault_code: 'STALE' }, ['GET /faults/STALE/snapshots']],
  ['area_components', { area_id: 'base' }, ['GET /areas/base/components']],
  ['area_subareas', { area_id: 'base' }, ['GET /areas/base/subareas']],
  ['area_contains', { area_id: 'base' }, ['GET /areas/base/contains']],
  ['apps_list', {}, ['GET /apps']],
  ['apps_get', { app_id: 'lidar' }, ['GET /apps/lidar']],
  ['apps_dependencies', { app_id: 'lidar' }, ['GET /apps/lidar/depends-on']],
  ['functions_list', {}, ['GET /functions']],
  ['functions_get', { function_id: 'drive' }, ['GET /functions/drive']],
  ['functions_hosts', { function_id: 'drive' }, ['GET /functions/drive/hosts']],
  ['component_subcomponents', { component_id: 'base' }, ['GET /components/base/subcomponents']],
  ['component_hosts', { component_id: 'base' }, ['GET /components/base/hosts']],
  // Its schema names component_id, its argument model entity_id: both work.
  ['component_dependencies', { component_id: 'base' }, ['GET /components/base/depends-on']],
  ['component_dependencies', { entity_id: 'base' }, ['GET /components/base/depends-on']],
  ['entity_data', comp, ['GET /components/base/data']],
  ['entity_topic_data', { ...app, topic_name: '/scan' }, ['GET /apps/lidar/data/%2Fscan']],
  ['publish_topic', { ...app, topic_name: '/scan', data: { range_min: 0.1 } }, ['GET /apps/lidar/data', 'PUT /apps/lidar/data/%2Fscan'], { type: 'sensor_msgs/msg/LaserScan', data: { range_min: 0.1 } }],
  ['list_operations', app, ['GET /apps/lidar/operations']],
  ['get_operation', op, ['GET /apps/lidar/operations/calibrate']],
  ['create_execution', { ...op, request_data: { passes: 2 } }, ['POST /apps/lidar/operations/calibrate/executions'], { parameters: { passes: 2 } }],
  ['list_executions', op, ['GET /apps/lidar/operations/calibrate/executions']],
  ['get_execution', { ...op, execution_id: 'e1' }, ['GET /apps/lidar/operations/calibrate/executions/e1']],
  ['update_execution', { ...op, execution_id: 'e1', update_data: { stop: true } }, ['PUT /apps/lidar/operations/calibrate/executions/e1'], { capability: 'stop' }],
  ['cancel_execution', { ...op, execution_id: 'e1' }, ['DELETE /apps/lidar/operations/calibrate/executions/e1']],
  ['list_configurations', comp, ['GET /components/base/configurations']],
  ['get_configuration', { ...comp, param_name: 'gain' }, ['GET /components/base/configurations/gain']],
  ['set_configuration', { ...comp, param_name: 'gain', value: 2 }, ['PUT /components/base/configurations/gain'], { data: 2 }],
  ['delete_configuration', { ...comp, param_name: 'gain' }, ['DELETE /components/base/configurations/gain']],
  ['delete_all_configurations', comp, ['DELETE /components/base/configurations']],
  ['data_categories', comp, ['GET /components/base/data-categories']],
  ['data_groups', comp, ['GET /components/base/data-groups']],
  // Bulk data: the reference's entity_type defaults to apps.
  ['bulkdata_categories', { entity_id: 'lidar' }, ['GET /apps/lidar/bulk-data']],
  ['bulkdata_list', { entity_id: 'lidar', category: 'rosbags' }, ['GET /apps/lidar/bulk-data/rosbags']],
  ['bulkdata_info', { bulk_data_uri: '/api/v1/apps/lidar/bulk-data/rosbags/rec_1' }, ['HEAD /apps/lidar/bulk-data/rosbags/rec_1']],
  ['bulkdata_info', { bulk_data_uri: '/components/base/bulk-data/calibration/f%3A1' }, ['HEAD /components/base/bulk-data/calibration/f%3A1']],
  ['bulkdata_download', { bulk_data_uri: '/apps/lidar/bulk-data/rosbags/rec_1', output_dir: 'recordings' }, ['GET /apps/lidar/bulk-data/rosbags/rec_1']],
  ['bulkdata_download_for_fault', { entity_id: 'lidar', fault_code: 'STALE' }, ['GET /apps/lidar/bulk-data/rosbags/STALE']],
  ['bulkdata_upload', { entity_id: 'lidar', category: 'calibration', file_content: Buffer.from('k: 1').toString('base64'), filename: 'c.yaml' }, ['POST /apps/lidar/bulk-data/calibration']],
  ['bulkdata_delete', { entity_id: 'lidar', category: 'calibration', item_id: 'f1' }, ['DELETE /apps/lidar/bulk-data/calibration/f1']],
  ['list_logs', comp, ['GET /components/base/logs']],
  ['get_log_configuration', comp, ['GET /components/base/logs/configuration']],
  ['set_log_configuration', { ...comp, config: { level: 'debug', max_entries: 1000 } }, ['PUT /components/base/logs/configuration'], { severity_filter: 'debug', max_entries: 1000 }],
  ['list_triggers', comp, ['GET /components/base/triggers']],
  ['get_trigger', { ...comp, trigger_id: 't1' }, ['GET /components/base/triggers/t1']],
  ['create_trigger', { ...comp, trigger_config: { resource: '/api/v1/components/base/data/x', trigger_condition: { condition_type: 'OnChange' } } }, ['POST /components/base/triggers'], { resource: '/api/v1/components/base/data/x', trigger_condition: { condition_type: 'OnChange' } }],
  ['update_trigger', { ...comp, trigger_id: 't1', trigger_config: { lifetime: 60 } }, ['PUT /components/base/triggers/t1'], { lifetime: 60 }],
  ['delete_trigger', { ...comp, trigger_id: 't1' }, ['DELETE /components/base/triggers/t1']],
  ['list_scripts', comp, ['GET /components/base/scripts']],
  ['get_script', script, ['GET /components/base/scripts/check']],
  ['upload_script', { ...comp, script_content: 'print(1)\n' }, ['POST /components/base/scripts']],
  // params: the script's parameters, or the start body itself.
  ['execute_script', { ...script, params: { threshold: 5 } }, ['POST /components/base/scripts/check/executions'], { execution_type: 'now', parameters: { threshold: 5 } }],
  ['execute_script', { ...script, params: { execution_type: 'now', parameters: { threshold: 5 } } }, ['POST /components/base/scripts/check/executions'], { execution_type: 'now', parameters: { threshold: 5 } }],
  ['get_script_execution', { ...script, execution_id: 'x1' }, ['GET /components/base/scripts/check/executions/x1']],
  ['control_script_execution', { ...script, execution_id: 'x1', action: { action: 'stop' } }, ['PUT /components/base/scripts/check/executions/x1'], { action: 'stop' }],
  ['delete_script', script, ['DELETE /components/base/scripts/check']],
  ['acquire_lock', { ...comp, lock_config: { lock_expiration: 60, scopes: ['configurations'] }, client_id: 'ros2_medkit_mcp' }, ['POST /components/base/locks'], { lock_expiration: 60, scopes: ['configurations'] }],
  ['list_locks', comp, ['GET /components/base/locks']],
  ['get_lock', lock, ['GET /components/base/locks/l1']],
  ['extend_lock', { ...lock, lock_config: { lock_expiration: 120 } }, ['PUT /components/base/locks/l1'], { lock_expiration: 120 }],
  ['release_lock', { ...lock, client_id: 'ros2_medkit_mcp' }, ['DELETE /components/base/locks/l1']],
  ['create_cyclic_sub', { ...comp, sub_config: { resource: '/api/v1/components/base/data/x', interval: 'fast', duration: 60, protocol: 'sse' } }, ['POST /components/base/cyclic-subscriptions'], { resource: '/api/v1/components/base/data/x', interval: 'fast', duration: 60 }],
  ['list_cyclic_subs', comp, ['GET /components/base/cyclic-subscriptions']],
  ['get_cyclic_sub', sub, ['GET /components/base/cyclic-subscriptions/s1']],
  ['update_cyclic_sub', { ...sub, sub_config: { interval: 'slow' } }, ['PUT /components/base/cyclic-subscriptions/s1'], { interval: 'slow' }],
  ['delete_cyclic_sub', sub, ['DELETE /components/base/cyclic-subscriptions/s1']],
  ['list_updates', {}, ['GET /updates']],
  ['register_update', { update_config: { id: 'nav-2', update_name: 'Nav 2' } }, ['POST /updates'], { id: 'nav-2', update_name: 'Nav 2' }],
  ['get_update', { update_id: 'nav-2' }, ['GET /updates/nav-2']],
  ['get_update_status', { update_id: 'nav-2' }, ['GET /updates/nav-2/status']],
  ['prepare_update', { update_id: 'nav-2', config: { verify_checksum: true } }, ['PUT /updates/nav-2/prepare']],
  ['execute_update', { update_id: 'nav-2', config: {} }, ['PUT /updates/nav-2/execute']],
  ['automate_update', { update_id: 'nav-2', config: {} }, ['PUT /updates/nav-2/automated']],
  ['delete_update', { update_id: 'nav-2' }, ['DELETE /updates/nav-2']],
];

type Result = { isError?: boolean; content: { text: string }[]; structuredContent?: Record<string, unknown> };
const path = (s: Seen) => `${s.method} ${s.url.slice(BASE.length).split('?')[0]}`;

describe('the reference server\'s tool names', () => {
  it(`lists all ${REFERENCE_TOOL_NAMES.length} names of the checked-in copy, each under both prefixes`, async () => {
    expect(REFERENCE_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(REFERENCE_TOOL_NAMES.length).toBe(84);
    expect(new Set(REFERENCE_TOOL_NAMES).size).toBe(REFERENCE_TOOL_NAMES.length);
    const { client } = await pair(answer);
    const listed = new Set((await client.listTools()).tools.map((t) => t.name));
    const missing = REFERENCE_TOOL_NAMES.flatMap((n) => [n, n.replace(/^ros2_medkit_/, 'sovd_')]).filter((n) => !listed.has(n));
    expect(missing, 'reference tool names not served').toEqual([]);
    // No name is served twice, and the table below calls every reference name.
    const all = CATALOG.flatMap(declarationNames);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(ROWS.map(([n]) => `ros2_medkit_${n}`))).toEqual(new Set(REFERENCE_TOOL_NAMES));
  });

  it.each(ROWS)('%s %j makes the reference\'s REST call under both names', async (name, args, requests, body) => {
    for (const tool of servedNames(name)) {
      const { client, seen } = await pair(answer, { downloadDir: DOWNLOADS });
      const r = (await client.callTool({ name: tool, arguments: args })) as Result;
      expect(r.isError, `${tool}: ${r.content[0]?.text}`).not.toBe(true);
      expect(seen.map(path)).toEqual(requests);
      if (body !== undefined) expect(JSON.parse(seen.at(-1)!.body!)).toEqual(body);
    }
  });

  it('answers bulkdata_info from the HEAD headers and upload_script as the reference uploads it (script.py)', async () => {
    const { client } = await pair(answer);
    const info = (await client.callTool({ name: 'ros2_medkit_bulkdata_info', arguments: { bulk_data_uri: '/api/v1/apps/lidar/bulk-data/rosbags/rec_1' } })) as Result;
    expect(info.structuredContent).toMatchObject({ filename: 'rec.mcap', mimetype: 'application/x-mcap', size: 1234 });
    const { client: up, seen } = await pair(answer);
    await up.callTool({ name: 'sovd_upload_script', arguments: { entity_id: 'base', script_content: 'print(1)\n' } });
    const sent = seen.at(-1)!;
    const file = (await new Response(sent.raw, { headers: { 'content-type': sent.contentType! } }).formData()).get('file') as File;
    expect(file.name).toBe('script.py');
    expect(await file.text()).toBe('print(1)\n');
  });

  it('publishes each name with the reference\'s arguments: implied ones hidden, its defaults and requirements stated', async () => {
    const { client } = await pair(answer);
    const { tools } = await client.listTools();
    const schema = (name: string) => tools.find((t) => t.name === name)!.inputSchema as { properties: Record<string, { description?: string }>; required?: string[] };
    expect(Object.keys(schema('ros2_medkit_area_get').properties).sort()).toEqual(['area_id', 'entity_id']);
    expect(schema('ros2_medkit_area_get').properties.area_id.description).toContain('entity_id');
    expect(schema('sovd_clear_all_faults').required).toEqual(['entity_id']);
    expect(schema('ros2_medkit_faults_clear_all').required ?? []).not.toContain('entity_id');
    expect(schema('ros2_medkit_bulkdata_list').properties.entity_type.description).toContain('default: apps');
    expect(schema('ros2_medkit_acquire_lock').properties).toHaveProperty('lock_config');
    expect(schema('ros2_medkit_acquire_lock').properties.client_id.description).toContain('not used');
    expect(schema('ros2_medkit_bulkdata_download_for_fault').properties).not.toHaveProperty('category');
    // Our own names keep their own schema.
    expect(schema('ros2_medkit_locks_acquire').properties).not.toHaveProperty('lock_config');
    expect(schema('ros2_medkit_entities_get').properties).toHaveProperty('entity_type');
    for (const name of REFERENCE_TOOL_NAMES) expect(referenceTarget(name), name).toBeDefined();
  });

  it('refuses reference calls whose arguments cannot mean anything here, before any request', async () => {
    const { client, seen } = await pair(answer);
    const cases: [string, Record<string, unknown>, string][] = [
      ['ros2_medkit_clear_all_faults', {}, 'entity_id'],
      ['sovd_area_get', { area_id: 'base', entity_type: 'apps' }, 'entity_type'],
      ['ros2_medkit_area_get', { area_id: '../faults' }, 'area_id'],
      ['ros2_medkit_acquire_lock', { ...comp, lock_config: {} }, 'lock_config'],
      ['ros2_medkit_acquire_lock', { ...comp, lock_config: { lock_expiration: 60, reason: 'maintenance' } }, 'lock_config'],
      ['sovd_acquire_lock', { ...comp, lock_config: { lock_expiration: 0 } }, 'lock_config'],
      ['ros2_medkit_acquire_lock', { ...comp, lock_config: { lock_expiration: 60 }, client_id: 7 }, 'client_id'],
      ['ros2_medkit_extend_lock', { ...lock, lock_config: { lock_expiration: '60' } }, 'lock_config'],
      ['ros2_medkit_bulkdata_info', { bulk_data_uri: 'http://elsewhere.test/api/v1/apps/x/bulk-data/rosbags/r' }, 'bulk_data_uri'],
      ['ros2_medkit_bulkdata_info', { bulk_data_uri: '/apps/../bulk-data/rosbags/r' }, 'bulk_data_uri'],
      ['ros2_medkit_bulkdata_info', { bulk_data_uri: '/apps/x%2F..%2Fy/bulk-data/rosbags/r' }, 'bulk_data_uri'],
      ['ros2_medkit_bulkdata_download', { bulk_data_uri: '/robots/x/bulk-data/rosbags/r' }, 'bulk_data_uri'],
      ['ros2_medkit_bulkdata_download', { bulk_data_uri: '/apps/x/bulk-data/rosbags/%E0%A4%A' }, 'bulk_data_uri'],
      ['ros2_medkit_bulkdata_download', { bulk_data_uri: '/apps/x/bulk-data/rosbags/r', output_dir: 7 }, 'output_dir'],
      ['ros2_medkit_bulkdata_download_for_fault', { entity_id: 'x', fault_code: 'F', category: 'calibration' }, 'category'],
      ['ros2_medkit_bulkdata_upload', { entity_id: 'x', category: 'c', file_content: 'not base64!', filename: 'f.bin' }, 'file_content'],
      ['ros2_medkit_create_cyclic_sub', { ...comp, sub_config: { resource: '/api/v1/components/base/data/x', interval: 'medium', duration: 60 } }, 'sub_config'],
      ['ros2_medkit_create_cyclic_sub', { ...comp, sub_config: { resource: '/api/v1/components/base/data/x', interval: 'fast', duration: 60, protocol: 'websocket' } }, 'sub_config'],
      ['ros2_medkit_update_cyclic_sub', { ...sub, sub_config: { period: 1000 } }, 'sub_config'],
      ['ros2_medkit_update_trigger', { ...comp, trigger_id: 't1', trigger_config: { trigger_condition: { condition_type: 'OnChange' } } }, 'trigger_config'],
      ['ros2_medkit_control_script_execution', { ...script, execution_id: 'x1', action: { action: 'pause' } }, 'action'],
      ['ros2_medkit_set_log_configuration', { ...comp, config: { level: 'debug', severity_filter: 'info' } }, 'severity_filter and level'],
      ['ros2_medkit_set_log_configuration', { ...comp, config: { level: 'verbose' } }, 'config'],
      ['ros2_medkit_register_update', { update_config: 'nav-2' }, 'update_config'],
      ['ros2_medkit_prepare_update', { update_id: 'nav-2', config: 'fast' }, 'config'],
    ];
    for (const [name, args, mentions] of cases) {
      const r = (await client.callTool({ name, arguments: args })) as Result;
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      const err = JSON.parse(r.content[0].text);
      expect(err, name).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
      expect(err.message, `${name} ${JSON.stringify(args)}`).toContain(mentions);
    }
    expect(seen).toEqual([]);
  });
});
