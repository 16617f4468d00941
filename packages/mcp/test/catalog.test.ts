// The catalog as an SDK client sees it, over the SDK's in-memory transport with a recording fetch in place
// of the gateway: both name sets, typed JSON inputs, output schemas, input errors as the documented JSON
// before any request, checked cursors, and the REST request each kind of declaration builds.
import { describe, expect, it } from 'vitest';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { buildRequest, CATALOG, declarationNames, RESOURCE_NOT_FOUND, type ToolDeclaration } from '../src/index.js';
import { MAX_LINKS } from '../src/executor.js';
import { MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BASE64 } from '../src/catalog/bulk-data.js';
import { pair } from './support/recording-gateway.js';

const decl = (name: string): ToolDeclaration => CATALOG.find((d) => d.name === name)!;
/** Every served name: each declaration's own and reference names, under both prefixes. */
const ALL_NAMES = CATALOG.flatMap(declarationNames);

describe('tool catalog', () => {
  it('serves every declaration under sovd_* and ros2_medkit_*, each with input and output schema', async () => {
    const { client } = await pair();
    const { tools, nextCursor } = await client.listTools();
    expect(nextCursor).toBeUndefined();
    expect(tools.map((t) => t.name).sort()).toEqual([...ALL_NAMES].sort());
    expect(new Set(ALL_NAMES).size).toBe(ALL_NAMES.length);
    expect(CATALOG.length).toBeGreaterThanOrEqual(80);
    for (const d of CATALOG) {
      const pairOf = tools.filter((t) => t.name === `sovd_${d.name}` || t.name === `ros2_medkit_${d.name}`);
      expect(pairOf.length, d.name).toBe(2);
      expect(pairOf[0].inputSchema).toEqual(pairOf[1].inputSchema);
      for (const t of pairOf) {
        expect(t.inputSchema.type).toBe('object');
        expect(t.outputSchema?.type, t.name).toBe('object');
        expect((t.outputSchema?.required as string[] | undefined) ?? []).toContain('x-medkit-mcp');
        expect(t.annotations?.destructiveHint).toBe(d.mutating);
      }
    }
  });

  it('types ROS values as JSON values, so a schema-driven client offers a number for 0.02', async () => {
    const { client } = await pair();
    const { tools } = await client.listTools();
    for (const [tool, field] of [['sovd_set_configuration', 'value'], ['ros2_medkit_publish_topic', 'data']]) {
      const schema = (tools.find((t) => t.name === tool)!.inputSchema.properties as Record<string, { anyOf?: { type?: string }[] }>)[field];
      expect(schema.anyOf?.map((s) => s.type).sort(), tool).toEqual(['array', 'boolean', 'null', 'number', 'object', 'string']);
    }
  });

  it('pages tools/list with cursors it issued and refuses any other cursor with InvalidParams', async () => {
    const { client } = await pair(undefined, { toolsPageSize: 40 });
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(names).size).toBe(ALL_NAMES.length);
    expect(pages).toBe(Math.ceil(ALL_NAMES.length / 40));
    const forged = Buffer.from(JSON.stringify({ l: 'tools', o: 99_999 })).toString('base64url');
    const otherList = Buffer.from(JSON.stringify({ l: 'resources', o: 40 })).toString('base64url');
    for (const bogus of ['bogus', 'not base64 !', forged, otherList, 'x'.repeat(10_000)]) {
      const err = await client.listTools({ cursor: bogus }).catch((e: unknown) => e);
      expect(err, bogus.slice(0, 20)).toBeInstanceOf(McpError);
      expect((err as McpError).code).toBe(ErrorCode.InvalidParams);
    }
  });

  it('answers invalid arguments with the documented error JSON and makes no request', async () => {
    const { client, seen } = await pair();
    const cases: Record<string, unknown>[] = [
      { entity_type: 'apps', entity_id: '../faults', config_id: 'x', value: 1 },
      { entity_type: 'robots', entity_id: 'lidar', config_id: 'x', value: 1 },
      { entity_type: 'apps', entity_id: 'lidar', config_id: 'x' },
      { entity_type: 'apps', entity_id: 'lidar', config_id: 'x', value: 1, vaule: 2 },
    ];
    for (const args of cases) {
      const r = (await client.callTool({ name: 'sovd_set_configuration', arguments: args })) as { isError?: boolean; content: { text: string }[] };
      expect(r.isError, JSON.stringify(args)).toBe(true);
      const body = JSON.parse(r.content[0].text);
      expect(body).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
      expect(body.message).toContain('sovd_set_configuration');
      expect(body.details.issues.length).toBeGreaterThan(0);
    }
    // entity_type without entity_id: the schema allows each alone, the executor refuses the pair.
    const half = (await client.callTool({ name: 'ros2_medkit_faults_list', arguments: { entity_type: 'apps' } })) as { isError?: boolean; content: { text: string }[] };
    expect(half.isError).toBe(true);
    expect(JSON.parse(half.content[0].text).error_code).toBe('invalid-parameter');
    expect(seen).toEqual([]);
  });

  it('refuses hostile download and upload sizes before any request', async () => {
    const { client, seen } = await pair();
    const file = { entity_type: 'apps', entity_id: 'a', category: 'calibration' };
    const cases: [string, Record<string, unknown>][] = [
      ...[0, -1, 1.5, MAX_DOWNLOAD_BYTES + 1, Number.MAX_SAFE_INTEGER, 1e308, '1024', null].map((max_bytes): [string, Record<string, unknown>] => ['sovd_bulk_data_download', { ...file, file_id: 'f', max_bytes }]),
      ['sovd_bulk_data_upload', { ...file, filename: 'big.bin', content_base64: 'A'.repeat(MAX_UPLOAD_BASE64 + 4) }],
      ['sovd_bulk_data_upload', { ...file, filename: 'x.bin', content_base64: 'not base64!' }],
      ['sovd_bulk_data_upload', { ...file, filename: '../etc/passwd', content_base64: 'AAAA' }],
    ];
    for (const [name, args] of cases) {
      const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
      expect(r.isError, `${name} ${JSON.stringify(args).slice(0, 120)}`).toBe(true);
      expect(JSON.parse(r.content[0].text)).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
    }
    expect(seen).toEqual([]);
  });

  it('collects at most MAX_LINKS links from an answer full of them', async () => {
    const links = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}_url`, `/api/v1/x/${i}`]));
    const { client } = await pair(() => Response.json({ items: [], ...links }));
    const r = (await client.callTool({ name: 'sovd_bulk_data_list', arguments: { entity_type: 'apps', entity_id: 'a', category: 'c' } })) as unknown as { structuredContent: { 'x-medkit-mcp': { links?: Record<string, string> } } };
    expect(Object.keys(r.structuredContent['x-medkit-mcp'].links ?? {}).length).toBe(MAX_LINKS);
  });

  it('lists resources from a gateway whose collections are not lists of objects, skipping what is no entity', async () => {
    for (const items of [{ length: 1e9 }, 'apps', null, [null, 7, { id: 42 }, { id: 'ok' }]]) {
      const { client } = await pair(() => Response.json({ items }));
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri), JSON.stringify(items)).toEqual(Array.isArray(items) ? ['medkit://entities', ...['areas', 'components', 'apps', 'functions'].map((t) => `medkit://${t}/ok`)] : ['medkit://entities']);
      const tree = await client.readResource({ uri: 'medkit://entities' });
      expect(Object.keys(JSON.parse((tree.contents[0] as { text: string }).text))).toEqual(['areas', 'components', 'apps', 'functions']);
    }
  });

  it('answers an entity resource whose id is not valid percent-encoding with resource-not-found, without a request', async () => {
    const { client, seen } = await pair();
    for (const uri of ['medkit://apps/%E0%A4%A', 'medkit://apps/%', 'medkit://components/a%ZZb']) {
      const err = await client.readResource({ uri }).catch((e: unknown) => e);
      expect(err, uri).toBeInstanceOf(McpError);
      expect((err as McpError).code, uri).toBe(RESOURCE_NOT_FOUND);
      expect((err as McpError).data).toMatchObject({ error_code: 'resource-not-found', uri });
    }
    expect(seen).toEqual([]);
  });

  it('refuses extreme durations and counts (0, negative, fractional, huge, strings) before any request', async () => {
    const { client, seen } = await pair();
    const app = { entity_type: 'apps', entity_id: 'a' };
    const numeric: [string, Record<string, unknown>, string][] = [
      ['sovd_locks_acquire', app, 'lock_expiration'],
      ['sovd_locks_extend', { ...app, lock_id: 'l' }, 'lock_expiration'],
      ['sovd_modes_set', { ...app, mode_id: 'm', value: 'on' }, 'mode_expiration'],
      ['sovd_logs_set_configuration', app, 'max_entries'],
      ['sovd_subscriptions_create', { ...app, resource: '/api/v1/apps/a/data/x', interval: 'slow' }, 'duration'],
      ['sovd_triggers_update', { ...app, trigger_id: 't' }, 'lifetime'],
    ];
    for (const [name, args, field] of numeric) {
      for (const hostile of [0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, '60', null]) {
        const r = (await client.callTool({ name, arguments: { ...args, [field]: hostile } })) as { isError?: boolean; content: { text: string }[] };
        expect(r.isError, `${name} ${field}=${String(hostile)}`).toBe(true);
        expect(JSON.parse(r.content[0].text)).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
      }
    }
    expect(seen).toEqual([]);
    // The same calls with a sane value pass validation: the refusals above are the value's, not a missing argument's.
    for (const [name, args, field] of numeric) expect((await client.callTool({ name, arguments: { ...args, [field]: 60 } })).isError, name).toBeFalsy();
    expect(seen.length).toBe(numeric.length);
  });

  it('carries the error JSON in structuredContent too, valid against the output schema the client checks', async () => {
    const { client } = await pair(() => Response.json({ error_code: 'invalid-parameter', message: 'bad value' }, { status: 400 }));
    await client.listTools();
    const gateway = (await client.callTool({ name: 'sovd_get_execution', arguments: { entity_id: 'a', operation_id: 'o', execution_id: 'e' } })) as { isError?: boolean; content: { text: string }[]; structuredContent?: { 'x-medkit-mcp': { error?: Record<string, unknown> } } };
    expect(gateway.isError).toBe(true);
    expect(gateway.structuredContent?.['x-medkit-mcp']).toEqual({ http_status: 400, error: JSON.parse(gateway.content[0].text) });
    const input = (await client.callTool({ name: 'ros2_medkit_get_execution', arguments: { entity_id: 'a' } })) as typeof gateway;
    expect(input.structuredContent?.['x-medkit-mcp']).toEqual({ error: JSON.parse(input.content[0].text) });
    expect(input.structuredContent?.['x-medkit-mcp'].error).toMatchObject({ error_code: 'invalid-parameter', source: 'mcp' });
  });

  it('maps a 404 of the gateway to resource-not-found, keeping the gateway\'s own code', async () => {
    const { client } = await pair(() => Response.json({ error_code: 'vendor-error', vendor_code: 'x-medkit-update-not-found', message: 'no such update' }, { status: 404 }));
    const r = (await client.callTool({ name: 'sovd_updates_get', arguments: { update_id: 'nope' } })) as { isError?: boolean; content: { text: string }[] };
    expect(r.isError).toBe(true);
    expect(JSON.parse(r.content[0].text)).toMatchObject({ error_code: 'resource-not-found', vendor_code: 'x-medkit-update-not-found', status: 404, source: 'gateway' });
  });

  it('sends 0.02 as a JSON number and a string as a string (no coercion)', async () => {
    const { client, seen } = await pair(() => Response.json({ id: 'noise', data: 0.02 }));
    await client.callTool({ name: 'sovd_set_configuration', arguments: { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise', value: 0.02 } });
    await client.callTool({ name: 'sovd_set_configuration', arguments: { entity_type: 'apps', entity_id: 'lidar', config_id: 'noise', value: '0.02' } });
    expect(seen.map((s) => JSON.parse(s.body!).data)).toEqual([0.02, '0.02']);
  });
});

describe('requests built from declarations', () => {
  it('chooses the path template whose arguments are given and percent-encodes ids and topics', () => {
    expect(buildRequest(decl('faults_list'), { status: 'all' })).toMatchObject({ method: 'GET', path: '/faults', query: { status: 'all' } });
    expect(buildRequest(decl('faults_list'), { entity_type: 'apps', entity_id: 'lidar' }).path).toBe('/apps/lidar/faults');
    expect(buildRequest(decl('entity_topic_data'), { entity_type: 'apps', entity_id: 'b', data_id: '/base/battery' }).path).toBe('/apps/b/data/%2Fbase%2Fbattery');
    expect(buildRequest(decl('docs'), { scope: 'apps/lidar/data' }).path).toBe('/apps/lidar/data/docs');
    expect(buildRequest(decl('updates_list'), { target_version: '2.0' }).query).toEqual({ 'target-version': '2.0' });
    expect(buildRequest(decl('set_configuration'), { entity_type: 'apps', entity_id: 'a', config_id: 'c', value: false }).body).toEqual({ data: false });
    expect(buildRequest(decl('triggers_create'), { entity_type: 'apps', entity_id: 'a', trigger: { resource: 'r' } }).body).toEqual({ resource: 'r' });
  });

  it('uploads as multipart/form-data with the decoded file', async () => {
    const req = buildRequest(decl('bulk_data_upload'), { entity_type: 'apps', entity_id: 'a', category: 'calibration', filename: 'c.yaml', content_base64: Buffer.from('k: 1\n').toString('base64'), mimetype: 'application/x-yaml', metadata: { rev: '7' } });
    const form = req.body as FormData;
    const file = form.get('file') as File;
    expect(file.name).toBe('c.yaml');
    expect(file.type).toBe('application/x-yaml');
    expect(await file.text()).toBe('k: 1\n');
    expect(form.get('metadata')).toBe('{"rev":"7"}');
  });
});
