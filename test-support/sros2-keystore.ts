// SROS2 keystores made at test time with the openssl CLI (@medkit/ros2/security's Sros2KeystoreMaker, which the
// demo's --secure uses too), laid out as `ros2 security create_keystore` / `create_enclave` lay them out, in a
// temp directory (<root>/keystore, the CAs in <root>/ca). Here: the test documents (governance with an unprotected
// rt/public_* rule, talker permissions, allow-all and deny grants), a second, unrelated CA for "wrong CA" cases,
// and expired or soon-expiring identities.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { governanceDocument, permissionsDocument, Sros2KeystoreMaker, type KeyAlgo, type PermissionRuleSpec, type TopicRuleSpec } from '@medkit/ros2/security';

export type { KeyAlgo };

export interface EnclaveOptions {
  /** Key type of the identity certificate (default: the keystore's). */
  algo?: KeyAlgo;
  /** Issue the identity certificate from the unrelated CA. */
  identityFromOtherCa?: boolean;
  /** Sign governance / permissions with the unrelated CA instead of the permissions CA. */
  signWithOtherCa?: boolean;
  /** Validity of the identity certificate: `expired` was valid for one day in 2020. */
  expired?: boolean;
  /**
   * The identity certificate expires this many seconds from now: a peer starts with it while it is valid (DDS
   * stacks refuse to start with an expired identity) and meets medkit after it expired.
   */
  expiresInSeconds?: number;
  governanceXml?: string;
  permissionsXml?: string;
}

export interface Enclave {
  dir: string;
  /** The identity certificate's subject as SROS2 writes it in permissions.xml (`CN=<enclave>`). */
  subject: string;
  cert: string;
  key: string;
}

export interface Sros2Keystore {
  /** The keystore root (ROS_SECURITY_KEYSTORE). */
  keystore: string;
  identityCaCert: string;
  permissionsCaCert: string;
  otherCaCert: string;
  makeEnclave(enclave: string, opts?: EnclaveOptions): Enclave;
  /** Signs `xml` as S/MIME with the permissions CA (or the unrelated one) and writes it to `out`. */
  sign(xml: string, out: string, other?: boolean): void;
  remove(): void;
}

/** Protection kinds of a governance document; `protection` is the default for the ones not given. */
export interface GovernanceOptions {
  join?: boolean;
  protection?: string;
  discovery?: string;
  liveliness?: string;
  rtps?: string;
  /** Data and metadata protection of the `*` topic rule. */
  data?: string;
  /** Metadata (submessage) protection of the `*` topic rule (default: as `data`). */
  metadata?: string;
  /** enable_discovery_protection / enable_liveliness_protection of the `*` topic rule (default true). */
  topicDiscovery?: boolean;
  allowUnauthenticated?: boolean;
  /**
   * Topic expressions whose writing this governance does not control (a rule before `*`, protected like it): a
   * participant with it creates writers its permissions deny, which a peer with the usual governance refuses.
   */
  uncontrolledWrites?: string[];
}

/** A governance document like SROS2's default: one domain rule for `domain`, every topic protected. */
export function governanceXml(domain = 0, opts: GovernanceOptions = {}): string {
  const p = opts.protection ?? 'ENCRYPT';
  const data = opts.data ?? p;
  const open: TopicRuleSpec = { expression: 'rt/public_*', discoveryProtection: false, livelinessProtection: false, readAccessControl: false, writeAccessControl: false, metadataProtection: 'NONE', dataProtection: 'NONE' };
  return governanceDocument({
    domains: [{ min: domain, max: domain }],
    allowUnauthenticated: opts.allowUnauthenticated ?? false,
    joinAccessControl: opts.join ?? true,
    discoveryProtection: opts.discovery ?? p,
    livelinessProtection: opts.liveliness ?? p,
    rtpsProtection: opts.rtps ?? 'SIGN',
    topicRules: [open, ...(opts.uncontrolledWrites ?? []).map((t) => topicRule(t, opts, data, false)), topicRule('*', opts, data, true)],
  });
}

/** A protected topic_rule (discovery, liveliness, read control, metadata and data as `opts` say). */
function topicRule(expression: string, opts: GovernanceOptions, data: string, writeControl: boolean): TopicRuleSpec {
  const discovery = opts.topicDiscovery ?? true;
  return { expression, discoveryProtection: discovery, livelinessProtection: discovery, readAccessControl: true, writeAccessControl: writeControl, metadataProtection: opts.metadata ?? data, dataProtection: data };
}

type Validity = { from: string; to: string };
const ALWAYS: Validity = { from: '2020-01-01T00:00:00', to: '2099-01-01T00:00:00' };

/** A permissions document with one grant for `subject` holding `rules` and default DENY. */
const grantXml = (subject: string, validity: Validity, rules: PermissionRuleSpec[]): string => permissionsDocument({ subject, validity, rules });

/** A permissions document like SROS2 writes for a talker: publish rt/chatter, the node's parameter services, a deny rule. */
export function permissionsXml(subject: string, domain = 0, validity = ALWAYS): string {
  return grantXml(subject, validity, [
    { kind: 'deny', domains: [domain], publish: ['rt/chatter_secret'] },
    { kind: 'allow', domains: [domain], publish: ['rt/chatter*', 'rr/*/get_parametersReply', 'rt/rosout'], subscribe: ['rq/*/get_parametersRequest', 'rt/parameter_events'] },
  ]);
}

/** A permissions document allowing `subject` to publish and subscribe every topic in `domain` (interop peers: rmw's graph topics included). */
export function allowAllPermissionsXml(subject: string, domain = 0, validity = ALWAYS): string {
  return grantXml(subject, validity, [{ kind: 'allow', domains: [domain], publish: ['*'], subscribe: ['*'] }]);
}

/** Like allowAllPermissionsXml, but a deny rule first refuses `publish` on these topic expressions. */
export function denyPublishPermissionsXml(subject: string, domain: number, topics: string[], validity = ALWAYS): string {
  return denyPermissionsXml(subject, domain, { publish: topics }, validity);
}

/** Like allowAllPermissionsXml, but a deny rule first refuses publishing and subscribing these topic expressions. */
export function denyPermissionsXml(subject: string, domain: number, deny: { publish?: string[]; subscribe?: string[] }, validity = ALWAYS): string {
  return grantXml(subject, validity, [{ kind: 'deny', domains: [domain], ...deny }, { kind: 'allow', domains: [domain], publish: ['*'], subscribe: ['*'] }]);
}

/** Creates a keystore (identity CA = permissions CA, as SROS2's create_keystore does, unless `separateCas`). */
export function createSros2Keystore(opts: { algo?: KeyAlgo; separateCas?: boolean } = {}): Sros2Keystore {
  const root = mkdtempSync(join(tmpdir(), 'medkit-sros2-'));
  const maker = Sros2KeystoreMaker.create({ keystore: join(root, 'keystore'), workDir: join(root, 'ca'), algo: opts.algo, separateCas: opts.separateCas, caNames: { identity: 'sros2testCA', permissions: 'sros2 permissions CA' } });
  maker.makeCa('other_ca', 'someone else');
  return {
    keystore: maker.keystore,
    identityCaCert: join(maker.keystore, 'public', 'identity_ca.cert.pem'),
    permissionsCaCert: join(maker.keystore, 'public', 'permissions_ca.cert.pem'),
    otherCaCert: maker.caCert('other_ca'),
    sign: (xml, out, other = false) => maker.sign(xml, out, other ? 'other_ca' : 'permissions_ca'),
    makeEnclave(enclave, o = {}) {
      const validity = o.expired
        ? { start: new Date('2020-01-01T00:00:00Z'), end: new Date('2020-01-02T00:00:00Z') }
        : o.expiresInSeconds !== undefined
          ? { start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() + o.expiresInSeconds * 1000) }
          : { days: 30 };
      return maker.makeEnclave(enclave, {
        algo: o.algo,
        issuer: o.identityFromOtherCa ? 'other_ca' : 'identity_ca',
        signer: o.signWithOtherCa ? 'other_ca' : 'permissions_ca',
        validity,
        governanceXml: o.governanceXml ?? governanceXml(),
        permissionsXml: o.permissionsXml ?? permissionsXml(`CN=${enclave}`),
      });
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
