// RTPS metrics of the gateway's own participant: remote participants, our readers and writers, bytes and
// datagrams both ways, dropped datagrams. Read from the participant's plain counters at scrape time.
import type { TrafficStats } from '@medkit/rtps';
import type { MetricsService } from '@medkit/server';

type Reading = keyof TrafficStats;

export function registerRtpsMetrics(m: MetricsService, traffic: () => TrafficStats | undefined): void {
  const reg = [m.registry];
  const gauge = (name: string, help: string, field: Reading) =>
    new m.client.Gauge({ name, help, registers: reg, collect() { const t = traffic(); if (t) this.set(t[field]); } });
  const counter = (name: string, help: string, field: Reading) =>
    new m.client.Counter({ name, help, registers: reg, collect() { const t = traffic(); if (t) { this.reset(); this.inc(t[field]); } } });
  gauge('medkit_rtps_participants', 'Remote DDS participants the gateway knows (SPDP).', 'participants');
  gauge('medkit_rtps_readers', "The gateway's own RTPS readers (user topics).", 'readers');
  gauge('medkit_rtps_writers', "The gateway's own RTPS writers (user topics).", 'writers');
  counter('medkit_rtps_received_bytes_total', 'Bytes of RTPS datagrams received.', 'bytesIn');
  counter('medkit_rtps_sent_bytes_total', 'Bytes of RTPS datagrams sent.', 'bytesOut');
  counter('medkit_rtps_received_datagrams_total', 'RTPS datagrams received.', 'datagramsIn');
  counter('medkit_rtps_sent_datagrams_total', 'RTPS datagrams sent.', 'datagramsOut');
  gauge('medkit_rtps_stuck_streams', "Streams of the gateway's readers stuck on data their writers announce (/health ros_stream_stuck).", 'stuckStreams');
  counter('medkit_rtps_samples_conflicting_total', "Samples the gateway's readers saw conflict with one already delivered under the same sequence number: sent in a writer's name by someone else (/health ros_samples_conflicting).", 'samplesConflicting');
  counter('medkit_rtps_held_back_datagrams_total', 'RTPS datagrams not sent: past what an unproven participant sent us, or to a locator no known participant announces (not a reflector, docs/ros2.md).', 'heldBackOut');
  counter('medkit_rtps_received_in_place_datagrams_total', 'RTPS datagrams whose fragment payload was received straight into its sample.', 'placedIn');
  new m.client.Counter({
    name: 'medkit_rtps_dropped_datagrams_total',
    help: 'RTPS datagrams dropped: received and malformed or filtered (in), or failed to send (out).',
    labelNames: ['direction'],
    registers: reg,
    collect() {
      const t = traffic();
      if (!t) return;
      this.reset();
      this.inc({ direction: 'in' }, t.droppedIn);
      this.inc({ direction: 'out' }, t.droppedOut);
    },
  });
}
