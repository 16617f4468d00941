// The service interface's test clients (si_client_cyclone.c, si_client_fastdds.cpp): built from IDL generated out
// of the ros2_medkit_msgs files (srv-idl.ts), cached like the DDS peers (test-support/peers/build-peers.ts),
// run once per call with the peers' loopback discovery configs; their answer lines parsed.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, buildProgram, run, type Recipe } from '../../../../../test-support/peers/build-peers.js';
import { peerEnv, PEERS_DIR } from '../../../../../test-support/peers/harness.js';
import { interfaceFiles, serviceInterfaceIdl } from './srv-idl.js';

export type ClientVendor = 'cyclone' | 'fastdds';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const COMMON = join(PEERS_DIR, 'common');

function recipe(vendor: ClientVendor): Recipe {
  const source = join(HERE, vendor === 'cyclone' ? 'si_client_cyclone.c' : 'si_client_fastdds.cpp');
  return {
    sources: [source, join(HERE, 'srv-idl.ts'), join(COMMON, 'peer_common.h'), ...interfaceFiles()],
    steps: async (out) => {
      const idl = join(out, 'si_types.idl');
      writeFileSync(idl, serviceInterfaceIdl(vendor));
      if (vendor === 'cyclone') {
        const flags = (await run('si-client-cyclone', ['pkg-config', '--cflags', '--libs', 'CycloneDDS'])).split(/\s+/).filter(Boolean);
        return [
          ['idlc', '-t', '-o', out, idl],
          ['gcc', '-O1', '-Wall', '-Wno-unused-function', `-I${COMMON}`, `-I${out}`, '-o', join(out, 'peer'), source, join(out, 'si_types.c'), ...flags],
        ];
      }
      return [
        ['fastddsgen', '-replace', '-d', out, idl],
        ['g++', '-O1', '-std=c++17', '-Wall', '-Wno-unused-function', `-I${COMMON}`, `-I${out}`, '-o', join(out, 'peer'), source,
          join(out, 'si_types.cxx'), join(out, 'si_typesPubSubTypes.cxx'), '-lfastrtps', '-lfastcdr'],
      ];
    },
  };
}

/** Builds (or finds cached) the client of `vendor`; resolves to its binary. */
export const buildClient = (vendor: ClientVendor): Promise<string> => buildProgram(`si-client-${vendor}`, recipe(vendor));

export interface EntityLine {
  id: string;
  name: string;
  type: string;
  parent: string;
  fqn: string;
  caps: string[];
}
export interface FaultLine {
  code: string;
  severity: number;
  status: string;
  count: number;
  sources: string[];
  first_sec: number;
  description: string;
}

/** What a client printed for its one call. */
export interface ClientAnswer {
  success: boolean;
  error_message: string;
  entities: EntityLine[];
  faults: FaultLine[];
  capabilities?: string[];
  resource_types?: string[];
  data_json?: string;
  lines: string[];
}

const list = (v: string): string[] => (v === '' ? [] : v.split(','));

/** `k=v|k=v` after the line's first word; the last field keeps any `|` of its value. */
function fields(rest: string, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let s = rest;
  names.forEach((name, i) => {
    const prefix = `${name}=`;
    if (!s.startsWith(prefix)) throw new Error(`expected ${prefix} in '${rest}'`);
    const end = i === names.length - 1 ? s.length : s.indexOf(`|${names[i + 1]}=`);
    out[name] = s.slice(prefix.length, end);
    s = s.slice(end + 1);
  });
  return out;
}

export function parseAnswer(lines: string[]): ClientAnswer {
  const a: ClientAnswer = { success: false, error_message: '', entities: [], faults: [], lines };
  for (const l of lines) {
    if (l.startsWith('success=')) a.success = l === 'success=1';
    else if (l.startsWith('error_message=')) a.error_message = l.slice('error_message='.length);
    else if (l.startsWith('entity ')) {
      const f = fields(l.slice(7), ['id', 'name', 'type', 'parent', 'fqn', 'caps']);
      a.entities.push({ id: f.id, name: f.name, type: f.type, parent: f.parent, fqn: f.fqn, caps: list(f.caps) });
    } else if (l.startsWith('fault ')) {
      const f = fields(l.slice(6), ['code', 'severity', 'status', 'count', 'sources', 'first_sec', 'description']);
      a.faults.push({ code: f.code, severity: Number(f.severity), status: f.status, count: Number(f.count), sources: list(f.sources), first_sec: Number(f.first_sec), description: f.description });
    } else if (l.startsWith('capabilities=')) a.capabilities = list(l.slice('capabilities='.length));
    else if (l.startsWith('resource_types=')) a.resource_types = list(l.slice('resource_types='.length));
    else if (l.startsWith('data_json=')) a.data_json = l.slice('data_json='.length);
  }
  return a;
}

/**
 * Runs the client once: `service` is the full ROS service name, `kind` which of the four it is, `args` the request
 * fields. Rejects with the client's output when it exits without an answer.
 */
export async function callService(vendor: ClientVendor, domain: number, service: string, kind: string, args: string[]): Promise<ClientAnswer> {
  const binary = await buildClient(vendor);
  const argv = [String(domain), service, kind, ...args];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // cwd = the build dir: Fast DDS would also load a DEFAULT_FASTRTPS_PROFILES.xml found in cwd.
    execFile(binary, argv, { cwd: BUILD_DIR, env: peerEnv(domain), timeout: 45_000, maxBuffer: 16 << 20 }, (err, out, errOut) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout: out, stderr: errOut }),
    );
  });
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (code !== 0 || !lines.includes('done')) throw new Error(`${vendor} client ${argv.join(' ')} exited ${code}:\n${stdout}\n${stderr}`);
  return parseAnswer(lines);
}
