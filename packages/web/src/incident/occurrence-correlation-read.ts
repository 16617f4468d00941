// Reads the status histories an older occurrence's correlation is worked out from (occurrence-correlation.ts): the
// candidates' details, at most SYMPTOM_READ_CAP of them, once per chosen occurrence. The answer is kept per client,
// so neither a re-render, a fault event nor going back to an occurrence already seen reads them again.
import type { MedkitClient } from '@medkit/client';
import { useRef } from 'preact/hooks';
import { backgroundTurn } from '../api/foreground';
import { normalizeFaultDetail } from '../model/fault-detail';
import { usePoll } from '../ui/hooks';
import { SYMPTOM_READ_CAP, type CandidateRead } from './occurrence-correlation';

export interface CandidateReads {
  reads: CandidateRead[];
  /** How many candidates there were, of which the first SYMPTOM_READ_CAP were read. */
  total: number;
}

/** Reads at once: a handful, so the page's other reads are not queued behind 16. */
const PARALLEL = 4;
/** Occurrences remembered per client (each a few histories of at most max_per_fault entries). */
const KEEP = 32;

const cache = new WeakMap<MedkitClient, Map<string, CandidateReads>>();

async function readAll(client: MedkitClient, candidates: string[], signal: AbortSignal): Promise<CandidateReads> {
  await backgroundTurn(signal);
  const todo = candidates.slice(0, SYMPTOM_READ_CAP);
  const reads: CandidateRead[] = new Array(todo.length);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = next++;
      const code = todo[i];
      try {
        const body = await client.get('/faults/{fault_code}', { params: { path: { fault_code: code } }, signal });
        reads[i] = { code, history: normalizeFaultDetail(body, code).history };
      } catch (err) {
        signal.throwIfAborted();
        reads[i] = { code, failed: (err as Error).message || 'failed' };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, todo.length) }, worker));
  return { reads, total: candidates.length };
}

/**
 * The candidates' histories for the occurrence `key` names (undefined: nothing to read). The candidates are taken
 * when the occurrence is first chosen: a list that changes later does not start another round of reads.
 */
export function useCandidateReads(client: MedkitClient, key: string | undefined, candidates: string[]) {
  const latest = useRef(candidates);
  latest.current = candidates;
  return usePoll(
    async (signal) => {
      let byKey = cache.get(client);
      if (!byKey) cache.set(client, (byKey = new Map()));
      const hit = byKey.get(key!);
      if (hit) return hit;
      const got = await readAll(client, latest.current, signal);
      // A failed read is not kept: the next time the occurrence is chosen asks again.
      if (got.reads.some((r) => 'failed' in r)) return got;
      byKey.set(key!, got);
      if (byKey.size > KEEP) byKey.delete(byKey.keys().next().value!);
      return got;
    },
    [client, key],
    0,
    key !== undefined,
  );
}
