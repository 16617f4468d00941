// A data item's recent values as the data tab polls or streams them (data-stream.ts): message time (x-medkit.timestamp, ns), age, the
// receive rate over the kept samples, and each numeric field (incident/field-flatten.ts) for plotting.
import { flattenMessage } from '../../incident/field-flatten';
import { num, obj, xm } from '../../model/json';

const KEEP_SAMPLES = 120;

export interface Sample {
  /** Epoch seconds of the message. */
  t: number;
  fields: Map<string, number>;
}

export interface ItemHistory {
  samples: Sample[];
  /** Seconds since the newest message, as the gateway said. */
  ageSec?: number;
  /** Each of the last reads (at least three) brought a new message: the topic is at least as fast as the polls. */
  everyPollNew?: boolean;
  /** Whether each of the last reads brought a new message, newest last. */
  fresh?: boolean[];
}

const FRESH_KEPT = 10;

function withRead(h: ItemHistory, isNew: boolean): Pick<ItemHistory, 'fresh' | 'everyPollNew'> {
  const fresh = [...(h.fresh ?? []), isNew].slice(-FRESH_KEPT);
  return { fresh, everyPollNew: fresh.length >= 3 && fresh.every(Boolean) };
}

/** Adds a value read (or a stream's sample); a read of the same message again (same timestamp) only updates the age. */
export function addRead(h: ItemHistory, body: unknown, keep = KEEP_SAMPLES): ItemHistory {
  const x = xm(body);
  const ageSec = num(x.age_sec);
  const ns = num(x.timestamp);
  if (ns === undefined) return { ...h, ageSec };
  const t = ns / 1e9;
  if (h.samples.length > 0 && h.samples[h.samples.length - 1].t >= t) return { ...h, ageSec, ...withRead(h, false) };
  const fields = new Map(flattenMessage(obj(body).data).map((f) => [f.key, f.value] as const));
  return { samples: [...h.samples, { t, fields }].slice(-keep), ageSec, ...withRead(h, true) };
}

/**
 * Messages per second seen by the polls (a lower bound: the UI reads about once a second, so a faster topic
 * shows its poll rate; the gateway's own count is the publisher's rate when it gives one).
 */
export function observedRate(h: ItemHistory): number | undefined {
  const s = h.samples;
  if (s.length < 3) return undefined;
  const span = s[s.length - 1].t - s[0].t;
  return span > 0 ? (s.length - 1) / span : undefined;
}

/** Plot columns: times, and the values of each field the samples carry (null where one lacks it). */
export function columns(h: ItemHistory, keys: string[]): [number[], ...(number | null)[][]] {
  return [h.samples.map((s) => s.t), ...keys.map((k) => h.samples.map((s) => (s.fields.has(k) && Number.isFinite(s.fields.get(k)!) ? s.fields.get(k)! : null)))];
}

/** Fields worth plotting by default: those that changed over the samples, up to four; else the first two. */
export function plottedKeys(h: ItemHistory): string[] {
  const keys = [...new Set(h.samples.flatMap((s) => [...s.fields.keys()]))];
  const varying = keys.filter((k) => new Set(h.samples.map((s) => s.fields.get(k))).size > 1);
  return (varying.length > 0 ? varying : keys).slice(0, varying.length > 0 ? 4 : 2);
}
