// Unit tests of what protects the agent's context window and the gateway's URL space: bounded output,
// id validation before any request, and the reference environment variables with hostile values.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { boundedJson, CATALOG, clientOptionsFromEnv, execute, createMcpClient } from '../src/index.js';

const byName = (n: string) => CATALOG.find((t) => `sovd_${t.name}` === n)!;

describe('bounded tool output', () => {
  it('keeps small values whole', () => {
    expect(boundedJson({ a: 1 }, 100)).toEqual({ text: JSON.stringify({ a: 1 }, null, 2), truncated: false });
  });

  it('keeps the head of a long list, says how many were dropped, and never exceeds the limit', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `app_${i}`, name: 'x'.repeat(40) }));
    const out = boundedJson({ items }, 20_000);
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(20_000 + 60);
    expect(out.text).toContain('app_0');
    expect(out.text).not.toContain('app_9999');
  });

  it('cuts one huge string too', () => {
    const out = boundedJson({ message: 'y'.repeat(5_000_000) }, 1000);
    expect(out.text.length).toBeLessThan(1100);
    expect(out.text).toContain('output cut at 1000 characters');
  });
});

describe('tool inputs', () => {
  it('offers the reference tool names plus logs, triggers and scripts, each declared once', () => {
    const names = CATALOG.map((t) => `sovd_${t.name}`);
    for (const n of ['sovd_version', 'sovd_entities_list', 'sovd_entities_get', 'sovd_area_components', 'sovd_faults_list', 'sovd_faults_get', 'sovd_faults_clear', 'sovd_entity_data', 'sovd_entity_topic_data', 'sovd_publish_topic', 'sovd_list_operations', 'sovd_create_execution', 'sovd_get_execution', 'sovd_list_executions', 'sovd_cancel_execution', 'sovd_list_configurations', 'sovd_get_configuration', 'sovd_set_configuration', 'sovd_delete_configuration', 'sovd_delete_all_configurations', 'sovd_logs_query', 'sovd_triggers_create', 'sovd_scripts_execute']) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses ids that would change the request path, before any request is made', () => {
    const schema = z.object(byName('sovd_entities_get').input);
    for (const bad of ['../faults', 'a/b', 'a?x=1', 'a#b', '', '%2e%2e', 'x'.repeat(300), '\u0000']) {
      expect(schema.safeParse({ entity_type: 'apps', entity_id: bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(schema.safeParse({ entity_type: 'apps', entity_id: 'battery_monitor' }).success).toBe(true);
    expect(schema.safeParse({ entity_type: 'robots', entity_id: 'x' }).success).toBe(false);
  });

  it('turns an unreachable gateway into a readable tool error, not a throw', async () => {
    // Port 9 on loopback: nothing listens (connection refused at once).
    const client = createMcpClient({ baseUrl: 'http://127.0.0.1:9/api/v1', timeoutMs: 2000 });
    const r = await execute(byName('sovd_version'), {}, client, { maxChars: 5000 });
    expect(r.isError).toBe(true);
    const body = JSON.parse((r.content[0] as { text: string }).text);
    expect(body).toMatchObject({ error_code: 'x-medkit-gateway-unreachable', source: 'mcp', status: 502 });
  });
});

describe('reference environment', () => {
  it('defaults to localhost:8080 and 30 s, and reads the token', () => {
    expect(clientOptionsFromEnv({})).toEqual({ baseUrl: 'http://localhost:8080/api/v1', bearerToken: undefined, timeoutMs: 30_000 });
    expect(clientOptionsFromEnv({ ROS2_MEDKIT_BEARER_TOKEN: 't', ROS2_MEDKIT_TIMEOUT_S: '2.5' })).toMatchObject({ bearerToken: 't', timeoutMs: 2500 });
  });

  it('refuses timeouts that are not a sane number of seconds', () => {
    for (const bad of ['abc', '-1', '0', '1e308', 'Infinity', 'NaN', '601']) expect(() => clientOptionsFromEnv({ ROS2_MEDKIT_TIMEOUT_S: bad }), bad).toThrow(/ROS2_MEDKIT_TIMEOUT_S/);
  });

  it('refuses a gateway URL that is not http(s)', () => {
    expect(() => createMcpClient({ baseUrl: 'file:///etc/passwd', timeoutMs: 1000 })).toThrow(/http/);
  });
});

describe('data ids', () => {
  it('accept topic names and refuse dot segments and query characters', () => {
    const schema = z.object(byName('sovd_entity_topic_data').input);
    const ok = (data_id: string) => schema.safeParse({ entity_type: 'apps', entity_id: 'lidar', data_id }).success;
    expect(ok('/base/battery')).toBe(true);
    expect(ok('scan')).toBe(true);
    for (const bad of ['/base/../faults', '..', '/a/./b', '/a?b', '/a#b', '/a b', '']) expect(ok(bad), bad).toBe(false);
  });
});

describe('bounded output stays JSON', () => {
  it('folds deep detail (message schemas) before it would cut the text', () => {
    const schema = (d: number): unknown => (d === 0 ? { type: 'number' } : { type: 'object', properties: { a: schema(d - 1), b: schema(d - 1) } });
    const items = Array.from({ length: 20 }, (_, i) => ({ id: `/topic_${i}`, type_info: { schema: schema(8) } }));
    const out = boundedJson({ items }, 8000);
    expect(out.truncated).toBe(true);
    const parsed = JSON.parse(out.text);
    expect(parsed.items.map((i: { id: string }) => i.id)).toContain('/topic_19');
  });
});

describe('request bodies of the standalone HTTP server', () => {
  async function post(body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; error?: string }> {
    const { createServer } = await import('node:http');
    const { readJsonBody, McpRequestError } = await import('../src/index.js');
    const srv = createServer((req, res) => {
      readJsonBody(req, 1024).then(
        () => res.writeHead(200).end('{}'),
        (err) => res.writeHead(err instanceof McpRequestError ? err.status : 500, { connection: 'close' }).end(JSON.stringify({ error_code: err.errorCode })),
      );
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as { port: number }).port;
      const r = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).catch(() => undefined);
      if (!r) return { status: 0 };
      return { status: r.status, error: ((await r.json().catch(() => ({}))) as { error_code?: string }).error_code };
    } finally {
      srv.close();
    }
  }

  it('refuses a body over the cap with 413 and malformed JSON with 400, and reads a small one', async () => {
    expect(await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }))).toEqual({ status: 200, error: undefined });
    expect(await post(Buffer.alloc(5 * 1024 * 1024, 0x20))).toMatchObject({ status: 413, error: 'payload-too-large' });
    expect(await post('{"jsonrpc": ')).toMatchObject({ status: 400, error: 'invalid-request' });
  });
});
