// The gateway's layering rule (eslint.config.js): only src/http/ and route files import Fastify or src/http/.
// `npm run lint` enforces it on the whole tree; this test proves the rule is on for domain folders and off
// for route files, so deleting or loosening it fails the suite. The faults domain also may not import aggregation.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}packages/gateway/src/${path}` });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('gateway layering rule', () => {
  it('rejects Fastify and src/http/ imports in domain folders at every depth', async () => {
    expect(await restricted('locks/manager.ts', "import type { FastifyRequest } from 'fastify';\nexport type X = FastifyRequest;\n")).toHaveLength(1);
    expect(await restricted('locks/manager.ts', "import { SseHub } from '../http/sse.js';\nexport const x = SseHub;\n")).toHaveLength(1);
    expect(await restricted('faults/gateway/service.ts', "import { SseHub } from '../../http/sse.js';\nexport const x = SseHub;\n")).toHaveLength(1);
    expect(await restricted('features.ts', "import { SseHub } from './http/sse.js';\nexport const x = SseHub;\n")).toHaveLength(1);
    expect(await restricted('web-ui/feature.ts', "import s from '@fastify/static';\nexport const x = s;\n")).toHaveLength(1);
  });

  it("rejects a feature's own http/ folder in its domain code, and anything above it in its wiring", async () => {
    expect(await restricted('faults/gateway/service.ts', "import { FaultSseFanout } from '../http/sse-fanout.js';\nexport const x = FaultSseFanout;\n")).toHaveLength(1);
    expect(await restricted('faults/index.ts', "export { REPLAY_TRUNCATED_EVENT } from './http/sse-fanout.js';\n")).toHaveLength(1);
    expect(await restricted('faults/feature.ts', "import { SseHub } from '../http/sse.js';\nexport const x = SseHub;\n")).toHaveLength(1);
    expect(await restricted('faults/feature.ts', "import { x } from '../fleet/http/live.js';\nexport const y = x;\n")).toHaveLength(1);
  });

  it('keeps the faults domain free of aggregation imports (the seam is defined in faults/, wired in faults/feature.ts)', async () => {
    const agg = "import { createPeerFaultLookup } from '../../aggregation/fault-lookup.js';\nexport const x = createPeerFaultLookup;\n";
    expect(await restricted('faults/gateway/peer-faults.ts', agg)).toHaveLength(1);
    expect(await restricted('faults/query/list.ts', agg)).toHaveLength(1);
    expect(await restricted('faults/manager.ts', "import { AGGREGATION_SERVICE } from '../aggregation/feature.js';\nexport const x = AGGREGATION_SERVICE;\n")).toHaveLength(1);
    // The domain's own layering still holds there (the faults rule repeats it).
    expect(await restricted('faults/gateway/service.ts', "import { SseHub } from '../../http/sse.js';\nexport const x = SseHub;\n")).toHaveLength(1);
    expect(await restricted('faults/feature.ts', "import { PEER_FAULT_EVENTS_SERVICE } from '../aggregation/fault-events.js';\nexport const x = PEER_FAULT_EVENTS_SERVICE;\n")).toEqual([]);
  });

  it('allows them in the HTTP layer and route files, and allows a feature folder its own http/', async () => {
    expect(await restricted('locks/routes.ts', "import type { HttpApp } from '../http/app-types.js';\nexport type X = HttpApp;\n")).toEqual([]);
    expect(await restricted('faults/http/fault-routes.ts', "import type { FastifyRequest } from 'fastify';\nexport type X = FastifyRequest;\n")).toEqual([]);
    expect(await restricted('faults/feature.ts', "import { x } from './http/fault-routes.js';\nexport const y = x;\n")).toEqual([]);
    expect(await restricted('locks/manager.ts', "import { SovdError } from '../sovd/errors.js';\nexport const x = SovdError;\n")).toEqual([]);
  });
});
