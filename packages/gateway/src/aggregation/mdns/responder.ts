// The mDNS announcer (docs/aggregation.md, RFC 6762/6763): answers queries for the service type with
// PTR → instance, SRV (host, port), TXT (path, instance id) and A records; announces at start and says goodbye
// (TTL 0) at stop.
import { API_BASE } from '@medkit/sovd';
import { decodeMessage, encodeMessage, isResponse, sameName, FLAGS_RESPONSE, TYPE_A, TYPE_ANY, TYPE_PTR, TYPE_SRV, TYPE_TXT, type DnsRecord } from './dns-message.js';
import { MDNS_PORT, type Endpoint, type MdnsTransport } from './transport.js';

/** Record TTL of the spec (120 s). */
const RECORD_TTL_S = 120;
/** RFC 6762 §6.7: legacy unicast answers carry TTLs of at most 10 s. */
const LEGACY_TTL_S = 10;

export interface ResponderOptions {
  transport: MdnsTransport;
  /** Service type, e.g. `_medkit._tcp.local`. */
  service: string;
  /** Instance label (mdns_name or the hostname). */
  instance: string;
  /** Host name label; `<host>.local` is the SRV target. */
  host: string;
  /** IPv4 addresses the gateway listens on (A records). */
  addresses: string[];
  /** HTTP port of the gateway. */
  port: number;
  /** This gateway's instance id (TXT `id=`), which lets browsers recognise themselves. */
  instanceId: string;
  /** TXT `path=` (default /api/v1). */
  path?: string;
  /** Called for each packet that could not be handled (never thrown). */
  onBadPacket?: (why: string, from: Endpoint) => void;
}

/** Escapes dots in an instance label so it stays one DNS label when joined to the service. */
export function instanceLabel(name: string): string {
  return name.replace(/\./g, '-').slice(0, 63);
}

export class MdnsResponder {
  private readonly instanceName: string;
  private readonly target: string;
  private stopped = false;

  constructor(private readonly opts: ResponderOptions) {
    this.instanceName = `${instanceLabel(opts.instance)}.${opts.service}`;
    this.target = `${instanceLabel(opts.host)}.local`;
    opts.transport.onMessage((p, from) => this.onPacket(p, from));
  }

  /** Full DNS name of this instance (`<instance>.<service>`). */
  get name(): string {
    return this.instanceName;
  }

  /** Unsolicited announcement (RFC 6762 §8.3), sent once now. */
  announce(): void {
    this.opts.transport.send(encodeMessage({ flags: FLAGS_RESPONSE, answers: this.records(RECORD_TTL_S) }));
  }

  /** Goodbye (TTL 0, RFC 6762 §10.1); the responder stops answering. */
  goodbye(): void {
    if (this.stopped) return;
    this.opts.transport.send(encodeMessage({ flags: FLAGS_RESPONSE, answers: this.records(0) }));
    this.stopped = true;
  }

  private records(ttl: number): DnsRecord[] {
    const o = this.opts;
    return [
      { name: o.service, type: TYPE_PTR, ttl, data: this.instanceName },
      { name: this.instanceName, type: TYPE_SRV, ttl, flush: true, data: { priority: 0, weight: 0, port: o.port, target: this.target } },
      { name: this.instanceName, type: TYPE_TXT, ttl, flush: true, data: [`path=${o.path ?? API_BASE}`, `id=${o.instanceId}`] },
      ...o.addresses.map((a): DnsRecord => ({ name: this.target, type: TYPE_A, ttl, flush: true, data: a })),
    ];
  }

  private onPacket(packet: Buffer, from: Endpoint): void {
    if (this.stopped) return;
    const msg = decodeMessage(packet);
    if (!msg) return this.opts.onBadPacket?.('malformed DNS message', from);
    if (isResponse(msg) || msg.questions.length === 0) return;
    const all = this.records(RECORD_TTL_S);
    const answers: DnsRecord[] = [];
    let unicast = from.port !== MDNS_PORT; // legacy unicast resolver (RFC 6762 §6.7)
    for (const q of msg.questions) {
      const any = q.type === TYPE_ANY;
      const hit = all.filter((r) => sameName(r.name, q.name) && (any || r.type === q.type));
      if (hit.length > 0 && q.unicastResponse) unicast = true;
      for (const r of hit) if (!answers.includes(r)) answers.push(r);
    }
    if (answers.length === 0) return;
    // The rest of the set goes along as additional records (RFC 6763 §12) so one round trip suffices.
    const additionals = all.filter((r) => !answers.includes(r) && r.type !== TYPE_PTR);
    const legacy = from.port !== MDNS_PORT;
    const cap = (rs: DnsRecord[]) => (legacy ? rs.map((r) => ({ ...r, ttl: Math.min(r.ttl, LEGACY_TTL_S), flush: false })) : rs);
    const reply = encodeMessage({
      // Legacy resolvers match replies by id and question (RFC 6762 §6.7).
      id: legacy ? msg.id : 0,
      flags: FLAGS_RESPONSE,
      questions: legacy ? msg.questions.map((q) => ({ name: q.name, type: q.type })) : [],
      answers: cap(answers),
      additionals: cap(additionals),
    });
    this.opts.transport.send(reply, unicast ? from : undefined);
  }
}
