// [ours] What a plugin may read of the gateway besides entities and faults (docs/plugins.md, "The gateway's
// metrics, data dir and TLS settings"): the metrics `/metrics` serves as structured values, and the TLS client
// settings of the gateway's outgoing links. Types only; the gateway implements them (packages/gateway/src/plugins).

/** The Prometheus metric types, as `/metrics` declares them in `# TYPE`. */
export type PluginMetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * One series of a metric family at the time of reading. A histogram's series are `<name>_bucket` (label `le`, the
 * bucket's upper bound, cumulative counts as Prometheus has them, `+Inf` last), `<name>_sum` and `<name>_count`; a
 * summary's are `<name>` (label `quantile`), `<name>_sum` and `<name>_count`; a counter's and a gauge's are `<name>`.
 */
export interface PluginMetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One metric family, as `/metrics` serves it (`# HELP`, `# TYPE` and its series). */
export interface PluginMetricFamily {
  name: string;
  help: string;
  type: PluginMetricType;
  samples: PluginMetricSample[];
}

/** The gateway's metrics registry, read-only ({@link PluginContextHostAccess.metrics}). */
export interface PluginMetricsAccess {
  /**
   * Every metric `GET /metrics` serves, read now: the registry's collect callbacks run as for a scrape (some are
   * asynchronous, hence the promise). Not cached: call it at the pace you need (a scrape's cost, a few ms).
   */
  collect(): Promise<PluginMetricFamily[]>;
}

/** The outgoing links whose TLS client settings a plugin may reuse (docs/security.md, "Federation and fleet links"). */
export type PluginTlsLink = 'fleet.nats' | 'aggregation';

/** The TLS client settings of one outgoing link of the gateway: PEM contents, read when asked. */
export interface PluginClientTls {
  link: PluginTlsLink;
  /** The CA(s) the link verifies servers against; absent: the system CAs. */
  ca?: Buffer;
  /** The client certificate presented to servers that ask for one (mutual TLS), with its key; both or neither. */
  cert?: Buffer;
  key?: Buffer;
  /** The configuration keys each part was read from, e.g. `{ ca: 'aggregation.ca_file' }`, for messages. */
  keys: { ca?: string; cert?: string; key?: string };
}

/** Members of PluginContext (contract.ts) that reach the gateway's own settings and registries; all optional. */
export interface PluginContextHostAccess {
  /**
   * [ours] The gateway's metrics registry (what `GET /metrics` serves), or undefined when the gateway serves no
   * metrics (`metrics.enabled` is false). The metrics feature starts after the plugins: ask when you need the values
   * (a timer's tick), not once in `setContext`. Optional: absent on older gateways.
   */
  metrics?(): PluginMetricsAccess | undefined;
  /**
   * [ours] A directory of this plugin's own under the gateway's `data_dir` (`<data_dir>/plugins/<name>`), created
   * on the first call; files kept there survive a restart and move with the gateway's data. Optional: absent on
   * older gateways.
   */
  dataDir?(): string;
  /**
   * [ours] The TLS client settings of one of the gateway's outgoing links (`fleet.nats.ca_file` / `cert_file` /
   * `key_file`, or `aggregation.ca_file` / `client_cert_file` / `client_key_file`), read from their files now; without
   * `link`, the first of `fleet.nats`, then `aggregation`, that has any file set. Undefined when none is set. Throws,
   * naming the key, when a set file cannot be read or the key does not match the certificate: a plugin that calls it
   * in `setContext` is disabled then, rather than sending in the clear or unverified. Optional: absent on older gateways.
   */
  clientTls?(link?: PluginTlsLink): PluginClientTls | undefined;
}
