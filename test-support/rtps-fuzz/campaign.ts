// An RTPS fuzz campaign against a live participant over real UDP: fake peers announce
// themselves, the structure-aware mutator (in a worker thread, like an attacker on another host)
// sends N datagrams (paced by what the target has received, so they are processed rather than
// dropped by the socket), and every so often a
// well-behaved probe peer does a heartbeat round trip that must answer. With captured secured
// traffic, its mutations are sent instead (secure-mutator.ts) and the caller's probe checks liveness.
// Measures this process's event-loop delay and RSS (the target runs in this process in our tests).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { FakePeer, fakePrefix, type Target } from './fake-peer.js';
import { MutationSender } from './sender.js';
import { spdpDatagram } from './datagrams.js';
import type { CapturedDatagram } from './secure-mutator.js';

export interface CampaignOptions {
  target: Target;
  datagrams: number;
  seed: number;
  /** Datagrams the target has received so far (its receive counter): paces the sender. */
  received: () => number;
  /** Datagrams sent but not yet counted by the target before the sender waits (default 64). */
  maxInFlight?: number;
  /**
   * Datagrams per second at most (default 5000): a sustained hostile stream. Without a cap the
   * campaign measures CPU saturation (a flood, which rate limits answer) rather than whether
   * hostile content stalls the target.
   */
  rate?: number;
  /** A heartbeat round trip every this many datagrams (default 5000). */
  roundTripEvery?: number;
  /** Fake peers the mutator speaks as (default 8). */
  peers?: number;
  /** Called every 1000 datagrams (progress output for long runs). */
  onProgress?: (sent: number, elapsedMs: number) => void;
  /** Mutate this real (secured) traffic instead of generating RTPS from scratch (secure-mutator.ts). */
  captured?: readonly CapturedDatagram[];
  /**
   * The liveness check every `roundTripEvery` datagrams and at the end, instead of the fake probe peer's heartbeat
   * round trip (a secured target refuses unauthenticated peers): rejects when the target did not answer.
   */
  probe?: () => Promise<void>;
}

export interface CampaignResult {
  seed: number;
  sent: number;
  /** The rate cap the campaign ran with (datagrams/s). */
  rate: number;
  /** Datagrams the target counted while the campaign ran (includes the probe's and others'). */
  receivedByTarget: number;
  durationMs: number;
  roundTrips: number;
  maxEventLoopDelayMs: number;
  /** Longest garbage-collection pause and the total of all pauses. */
  maxGcPauseMs: number;
  gcPauseTotalMs: number;
  startRssBytes: number;
  maxRssBytes: number;
  /** Submessage combinations generated, by their first submessage kind. */
  kinds: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Datagrams the sender worker generates and sends per request. */
const BATCH = 32;

/**
 * A campaign in two steps: `open` (sockets, the sender worker, the probe's discovery: slow, do
 * it before measuring) and `run`. Rejects (naming the seed and datagram index) when a round
 * trip fails.
 */
export class Campaign {
  private constructor(
    private readonly o: CampaignOptions,
    private readonly fuzz: FakePeer,
    /** The fake probe peer (absent when the caller probes). */
    private readonly probe: FakePeer | undefined,
    private readonly prefixes: Buffer[],
    private readonly sender: MutationSender,
  ) {}

  static async open(o: CampaignOptions): Promise<Campaign> {
    const fuzz = await FakePeer.open();
    const probe = o.probe ? undefined : await FakePeer.open();
    const prefixes = Array.from({ length: o.peers ?? 8 }, () => fakePrefix());
    const sender = await MutationSender.start(o.seed, { domainId: o.target.domainId, prefix: o.target.prefix, metaPort: o.target.metaPort, userPort: o.target.userPort, replyPort: fuzz.port, peers: prefixes }, o.captured);
    const c = new Campaign(o, fuzz, probe, prefixes, sender);
    try {
      await probe?.join(o.target);
      await c.announce();
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  /** (Re-)announces the fake peers the mutator speaks as (not for captured traffic: it holds its peers' SPDP). */
  private async announce(): Promise<void> {
    if (this.o.captured) return;
    for (const p of this.prefixes) await this.fuzz.send(spdpDatagram(p, this.o.target.domainId, this.fuzz.port), this.o.target.metaPort);
  }

  private async roundTrip(at: number): Promise<void> {
    try {
      if (this.o.probe) await this.o.probe();
      else {
        // The probe re-announces itself first: a lease or a mutated SPDP must not be why it fails.
        await this.probe!.announce(this.o.target);
        await this.probe!.roundTrip(this.o.target, 5000);
      }
    } catch (err) {
      throw new Error(`${this.o.probe ? 'liveness probe' : 'heartbeat round trip'} failed after ${at} datagrams (seed ${this.o.seed}): ${(err as Error).message}`);
    }
  }

  async run(): Promise<CampaignResult> {
    const o = this.o;
    const maxInFlight = o.maxInFlight ?? 64;
    const rate = o.rate ?? 5000;
    const every = o.roundTripEvery ?? 5000;
    const eld = monitorEventLoopDelay({ resolution: 10 });
    const kinds: Record<string, number> = {};
    const startRss = process.memoryUsage.rss();
    let maxRss = startRss;
    let roundTrips = 0;
    const received0 = o.received();
    const t0 = Date.now();
    let maxGc = 0;
    let gcTotal = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        maxGc = Math.max(maxGc, e.duration);
        gcTotal += e.duration;
      }
    });
    gc.observe({ entryTypes: ['gc'] });
    eld.enable();
    let due = t0;
    try {
      let sent = 0;
      while (sent < o.datagrams) {
        // Pace by what the target has taken in; a datagram the kernel dropped never shows up,
        // so wait a bounded time and move on.
        const waitUntil = Date.now() + 100;
        while (sent - (o.received() - received0) > maxInFlight && Date.now() < waitUntil) await sleep(1);
        // The rate is a cap, not a schedule: a campaign that fell behind (a starved CPU) does
        // not catch up in a burst.
        const now = Date.now();
        if (due > now) await sleep(due - now);
        else due = now;
        due += (BATCH / rate) * 1000;
        const batch = Math.min(BATCH, o.datagrams - sent);
        const done = await this.sender.send(batch);
        for (const [k, n] of Object.entries(done.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
        const before = sent;
        sent += batch;
        if (Math.floor(sent / 1000) !== Math.floor(before / 1000)) {
          maxRss = Math.max(maxRss, process.memoryUsage.rss());
          o.onProgress?.(sent, Date.now() - t0);
        }
        if (Math.floor(sent / every) !== Math.floor(before / every)) {
          await this.roundTrip(sent);
          roundTrips++;
          // Mutated SPDP may have disposed or moved the fake peers: announce them again.
          await this.announce();
        }
      }
      await this.roundTrip(sent);
      roundTrips++;
      maxRss = Math.max(maxRss, process.memoryUsage.rss());
      return {
        seed: o.seed,
        sent,
        rate,
        receivedByTarget: o.received() - received0,
        durationMs: Date.now() - t0,
        roundTrips,
        maxEventLoopDelayMs: eld.max / 1e6,
        maxGcPauseMs: maxGc,
        gcPauseTotalMs: gcTotal,
        startRssBytes: startRss,
        maxRssBytes: maxRss,
        kinds,
      };
    } finally {
      gc.disconnect();
      eld.disable();
    }
  }

  async close(): Promise<void> {
    await this.sender.close();
    this.fuzz.close();
    this.probe?.close();
  }
}
