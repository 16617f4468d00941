// A stand-in gateway that answers with the example bodies of docs/api.md and docs/faults.md
// (binding shapes: fault status object, signal-window freeze frame, log severity + level). It
// proves the UI reads the contract's shapes, including ones a test cannot easily get from the real
// gateway (a stream the server drops, then Last-Event-ID; offline peers); that the real gateway's
// bodies are read right is proven by ui-ros-gateway.test.ts and ui-demo.test.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiHandler } from './static-server.js';

export interface SpecGateway {
  handler: ApiHandler;
  /** Sends a fault event to every open /faults/stream connection; returns its id. */
  push(type: string, fault: object, extra?: object): number;
  /** Ends every open stream (the browser reconnects and sends Last-Event-ID). */
  dropStreams(): void;
  /** Last-Event-ID headers seen on stream (re)connections, in order ('' when absent). */
  lastEventIds: string[];
  /** Mutating requests received: `METHOD path` and the JSON body. */
  writes: { call: string; body: unknown }[];
  openStreams(): number;
}

export const PROTECTIVE_STOP = {
  fault_code: 'PROTECTIVE_STOP',
  fault_name: 'Protective stop: obstacle inside stop distance',
  severity: 2,
  severity_label: 'error',
  status: { aggregatedStatus: 'active', testFailed: '1', confirmedDTC: '1', pendingDTC: '0' },
  'x-medkit': { status: 'CONFIRMED' },
  reporting_sources: ['/safety/safety_gate'],
  entity_id: 'safety_gate',
  first_occurred: 1774232400.1,
  last_occurred: 1774232400.1,
  occurrence_count: 1,
};

const LOW_SPEED = {
  fault_code: 'LOW_SPEED_LIMIT',
  severity: 1,
  severity_label: 'warning',
  description: 'Speed limited near obstacles',
  // A native item (docs/faults.md): the raw status string, the SOVD object under x-medkit (PROTECTIVE_STOP is a peer's object-status item).
  status: 'PREFAILED',
  'x-medkit': { status: 'PREFAILED', sovd_status: { aggregatedStatus: 'passive', testFailed: '1', confirmedDTC: '0', pendingDTC: '1' } },
  reporting_sources: ['/safety/safety_gate'],
  entity_id: 'safety_gate',
  first_occurred: 1774232300,
  last_occurred: 1774232390,
  occurrence_count: 3,
};

const RECORDING = 'fault_PROTECTIVE_STOP_1774232400100';

const DETAIL = {
  item: { code: 'PROTECTIVE_STOP', fault_name: PROTECTIVE_STOP.fault_name, severity: 2, status: PROTECTIVE_STOP.status },
  environment_data: {
    extended_data_records: { first_occurrence: '2026-03-23T02:20:00.100Z', last_occurrence: '2026-03-23T02:20:00.100Z' },
    snapshots: [
      {
        type: 'freeze_frame',
        name: 'RTMaps freeze-frame',
        data: {
          commanded_vx: { value: 0.0, history: [[35333591782, 0.0]] },
          min_range_m: { value: 5.0, history: [[35333291470, 2.749], [35333862814, 0.11]] },
          stop_threshold_m: { value: 0.8, history: [[35333591782, 0.8]] },
        },
      },
      { type: 'rosbag', name: 'protective_stop_recording', bulk_data_uri: `/apps/safety_gate/bulk-data/rosbags/${RECORDING}`, size_bytes: 2097152, duration_sec: 6.0, format: 'mcap' },
    ],
  },
  'x-medkit': { occurrence_count: 1, reporting_sources: ['/safety/safety_gate'], severity_label: 'error', status_raw: 'CONFIRMED' },
};

const APP = {
  id: 'safety_gate',
  name: 'Safety Gate',
  href: '/api/v1/apps/safety_gate',
  type: 'app',
  'x-medkit': { source: 'runtime', is_online: true, component_id: 'safety-plc', ros2: { node: '/safety/safety_gate' } },
};
const COMPONENT = { id: 'safety-plc', name: 'Safety PLC', href: '/api/v1/components/safety-plc', type: 'component', 'x-medkit': { source: 'manifest' } };
const CAPS = ['status', 'data', 'operations', 'configurations', 'faults', 'logs', 'bulk-data'];

export function createSpecGateway(): SpecGateway {
  const streams = new Set<ServerResponse>();
  const lastEventIds: string[] = [];
  const writes: { call: string; body: unknown }[] = [];
  let eventId = 0;
  let reads = 0;
  let logSeq = 0;
  let execPolls = 0;
  const params: Record<string, { value: unknown; type: string }> = { stop_threshold_m: { value: 0.8, type: 'double' }, zone_names: { value: ['front'], type: 'string_array' } };
  let faults: object[] = [LOW_SPEED];

  const json = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? undefined : JSON.stringify(body));
    return true;
  };
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let s = '';
    for await (const c of req) s += c;
    try {
      return s ? JSON.parse(s) : undefined;
    } catch {
      return s;
    }
  };

  const handler: ApiHandler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/api/v1')) return false;
    const path = url.pathname.slice('/api/v1'.length);
    const m = req.method ?? 'GET';
    if (m !== 'GET') writes.push({ call: `${m} ${decodeURIComponent(path)}`, body: await readBody(req) });
    const key = `${m} ${path}`;

    if (key === 'GET /faults/stream') {
      lastEventIds.push(String(req.headers['last-event-id'] ?? ''));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('retry: 300\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return true;
    }
    switch (key) {
      // The API root (the UI reads auth.require_auth_for from it): no authentication here.
      case 'GET /':
        return json(res, 200, { name: 'spec-example', api_base: '/api/v1', auth: { enabled: false } });
      case 'GET /health':
        return json(res, 200, {
          status: 'healthy',
          timestamp: Date.now() * 1e6,
          warning_schema_version: 2,
          warnings: [],
          peers: [{ name: 'arm', url: 'http://arm:8080', status: 'offline' }],
          'x-medkit-ros': { domain_id: 42, node_count: 3 },
        });
      case 'GET /version-info':
        return json(res, 200, { items: [{ version: '1.0.0', base_uri: '/api/v1', vendor_info: { version: '9.9.9', name: 'spec-example' } }] });
      case 'GET /areas':
      case 'GET /functions':
        return json(res, 200, { items: [], 'x-medkit': { total_count: 0 } });
      case 'GET /components':
        return json(res, 200, { items: [COMPONENT] });
      case 'GET /apps':
      case 'GET /components/safety-plc/hosts':
        return json(res, 200, { items: [APP] });
      case 'GET /components/safety-plc/subcomponents':
        return json(res, 200, { items: [] });
      case 'GET /apps/safety_gate':
        return json(res, 200, { ...APP, capabilities: CAPS.map((name) => ({ name, href: `/api/v1/apps/safety_gate/${name}` })), _links: { self: APP.href } });
      case 'GET /faults':
        return json(res, 200, { items: faults, 'x-medkit': { count: faults.length, muted_count: 0, cluster_count: 0 } });
      case 'GET /apps/safety_gate/faults':
        return json(res, 200, { items: faults, 'x-medkit': { entity_id: 'safety_gate', count: faults.length } });
      case 'GET /apps/safety_gate/faults/PROTECTIVE_STOP':
        return json(res, 200, DETAIL);
      case 'DELETE /apps/safety_gate/faults/PROTECTIVE_STOP':
        faults = faults.filter((f) => (f as { fault_code: string }).fault_code !== 'PROTECTIVE_STOP');
        return json(res, 204);
      // The recording's bytes are not an MCAP file: the incident view must say it cannot read it.
      case `GET /apps/safety_gate/bulk-data/rosbags/${RECORDING}`:
        res.writeHead(200, { 'content-type': 'application/x-mcap', 'content-length': '16' });
        res.end('not an mcap file');
        return true;
      case 'GET /apps/safety_gate/bulk-data/rosbags':
        return json(res, 200, { items: [{ id: RECORDING, name: `${RECORDING} recording`, mimetype: 'application/x-mcap', size: 2097152, creation_date: '2026-03-23T02:20:00.100Z', 'x-medkit': { fault_codes: ['PROTECTIVE_STOP'] } }] });
      case 'GET /apps/safety_gate/data':
        return json(res, 200, {
          items: [
            {
              id: '/safety/min_range',
              name: '/safety/min_range',
              category: 'currentData',
              'x-medkit': {
                ros2: { topic: '/safety/min_range', direction: 'both', type: 'std_msgs/msg/Float64' },
                type_info: { schema: { type: 'object', properties: { data: { type: 'number' } } }, default_value: { data: 0.0 } },
              },
            },
          ],
          'x-medkit': { entity_id: 'safety_gate', total_count: 1 },
        });
      case 'GET /apps/safety_gate/data/%2Fsafety%2Fmin_range':
        reads++;
        return json(res, 200, { id: '/safety/min_range', data: { data: 1.5 + reads }, 'x-medkit': { status: 'data', timestamp: Date.now() * 1e6 } });
      case 'PUT /apps/safety_gate/data/%2Fsafety%2Fmin_range':
        return json(res, 200, { id: '/safety/min_range', data: writes[writes.length - 1].body, 'x-medkit': { status: 'published' } });
      case 'GET /apps/safety_gate/configurations':
        return json(res, 200, {
          items: Object.keys(params).map((id) => ({ id, name: id, type: 'parameter' })),
          'x-medkit': { entity_id: 'safety_gate', source: 'runtime', is_aggregated: false, parameters: Object.entries(params).map(([name, p]) => ({ name, value: p.value, type: p.type })) },
        });
      case 'GET /apps/safety_gate/operations':
        return json(res, 200, {
          items: [
            {
              id: 'reset_stop',
              name: 'reset_stop',
              proximity_proof_required: false,
              asynchronous_execution: false,
              'x-medkit': { ros2: { service: '/safety/reset_stop', type: 'std_srvs/srv/Trigger', kind: 'service' }, type_info: { request: { type: 'object', properties: {} } } },
            },
            {
              id: 'dock',
              name: 'dock',
              proximity_proof_required: false,
              asynchronous_execution: true,
              'x-medkit': { ros2: { action: '/safety/dock', type: 'example_interfaces/action/Fibonacci', kind: 'action' }, type_info: { goal: { type: 'object', properties: { order: { type: 'integer' } } } } },
            },
          ],
        });
      case 'POST /apps/safety_gate/operations/reset_stop/executions':
        return json(res, 200, { parameters: { success: true, message: 'protective stop reset' } });
      case 'POST /apps/safety_gate/operations/dock/executions':
        execPolls = 0;
        return json(res, 202, { id: '5f0c2a9e41d37b8c6e12a4f09b7d3c55', status: 'running' }, { location: '/api/v1/apps/safety_gate/operations/dock/executions/5f0c2a9e41d37b8c6e12a4f09b7d3c55' });
      case 'GET /apps/safety_gate/operations/dock/executions/5f0c2a9e41d37b8c6e12a4f09b7d3c55':
        execPolls++;
        return execPolls < 2
          ? json(res, 200, { status: 'running', capability: 'execute', parameters: { partial_sequence: [0, 1, 1] }, 'x-medkit': { ros2_status: 'executing' } })
          : json(res, 200, { status: 'completed', capability: 'execute', parameters: { partial_sequence: [0, 1, 1, 2] }, 'x-medkit': { ros2_status: 'succeeded', result: { sequence: [0, 1, 1, 2, 3] } } });
      case 'GET /apps/safety_gate/logs': {
        logSeq++;
        const items = [];
        for (let i = 1; i <= logSeq; i++) {
          items.push({ id: `log_${i}`, timestamp: `2026-03-23T02:20:0${i % 10}.123456789Z`, severity: i % 2 ? 'warning' : 'info', level: i % 2 ? 'WARN' : 'INFO', message: `line ${i}`, logger_name: 'safety_gate', context: { node: 'safety_gate' } });
        }
        return json(res, 200, { items });
      }
      case 'GET /apps/safety_gate/status':
        return json(res, 200, { status: 'ready', restart: '/api/v1/apps/safety_gate/status/restart', shutdown: '/api/v1/apps/safety_gate/status/shutdown' });
      case 'PUT /apps/safety_gate/status/restart':
        return json(res, 202, undefined, { location: '/api/v1/apps/safety_gate/status' });
    }
    const cfg = /^\/apps\/safety_gate\/configurations\/([^/]+)$/.exec(path);
    if (cfg && params[decodeURIComponent(cfg[1])]) {
      const name = decodeURIComponent(cfg[1]);
      const p = params[name];
      if (m === 'PUT') {
        const data = (writes[writes.length - 1].body as { data: unknown }).data;
        if (p.type === 'double' && typeof data !== 'number') return json(res, 400, { error_code: 'invalid-parameter', message: 'Type mismatch' });
        p.value = data;
      }
      return json(res, 200, { id: name, data: p.value, 'x-medkit': { parameter: { name, value: p.value, type: p.type, description: 'Stop distance in metres', read_only: false } } });
    }
    return json(res, 404, { error_code: 'resource-not-found', message: 'Resource not found', parameters: { status: 404 } });
  };

  return {
    handler,
    push(type, fault, extra = {}) {
      eventId++;
      // The list says what the stream said, as a gateway's `GET /faults?status=all` does (a cleared fault stays listed as cleared).
      faults = [...faults.filter((f) => (f as { fault_code: string }).fault_code !== (fault as { fault_code: string }).fault_code), { ...fault, ...extra }];
      const data = JSON.stringify({ event_type: type, fault, timestamp: Date.now() / 1000, ...extra });
      for (const s of streams) s.write(`id: ${eventId}\nevent: ${type}\ndata: ${data}\n\n`);
      return eventId;
    },
    dropStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
    lastEventIds,
    writes,
    openStreams: () => streams.size,
  };
}
