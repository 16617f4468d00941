// Making SROS2 keystores with the openssl command line, laid out as `ros2 security create_keystore` and
// `create_enclave` lay them out: <keystore>/public/{identity,permissions}_ca.cert.pem, <keystore>/private/*.key.pem
// and <keystore>/enclaves/<enclave>/ holding cert.pem, key.pem, identity_ca.cert.pem, permissions_ca.cert.pem,
// governance.p7s and permissions.p7s (plus the XML they were signed from). Governance and permissions are signed
// with `openssl smime -sign -text`, as SROS2 does. The CAs' files and `openssl ca`'s database live in a work
// directory of their own. For throw-away keystores (tests, `npm start -- --secure`): the keys are unencrypted.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type KeyAlgo = 'ec' | 'rsa';

/** openssl is not installed (or not on PATH), or one of its commands failed. */
export class OpensslError extends Error {
  readonly code: string = 'openssl-failed';
  override name = 'OpensslError';
}

/** Runs `openssl args` in `cwd`; throws OpensslError with openssl's own message. */
export function openssl(args: string[], cwd: string): string {
  try {
    return execFileSync('openssl', args, { cwd, stdio: 'pipe' }).toString();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new OpensslError('the openssl command is not installed (or not on PATH); it makes the SROS2 keystore (e.g. apt-get install openssl)');
    throw new OpensslError(`openssl ${args[0]} failed: ${e.stderr?.toString().trim().split('\n').slice(-3).join(' ') || e.message}`);
  }
}

/** openssl's version line; throws OpensslError when the command is missing. */
export function opensslVersion(): string {
  return openssl(['version'], process.cwd()).trim();
}

function newKey(algo: KeyAlgo): string[] {
  return algo === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}

/** `openssl -subj` form of a DN whose values may hold `/` (SROS2 enclave names do). */
const subj = (cn: string): string => `/CN=${cn.replace(/\//g, '\\/')}`;

/** The subject SROS2 gives an enclave's certificate and names in its permissions grant. */
export const enclaveSubject = (enclave: string): string => `CN=${enclave}`;

export interface MakeEnclaveOptions {
  governanceXml: string;
  permissionsXml: string;
  /** Key type of the identity certificate (default: the keystore's). */
  algo?: KeyAlgo;
  /** The CA (by name, see makeCa) that issues the identity certificate (default `identity_ca`). */
  issuer?: string;
  /** The CA that signs governance and permissions (default `permissions_ca`). */
  signer?: string;
  /** Validity of the identity certificate: a period, or days from now (default 30). */
  validity?: { start: Date; end: Date } | { days: number };
}

export interface MadeEnclave {
  dir: string;
  /** The identity certificate's subject as SROS2 writes it in permissions.xml (`CN=<enclave>`). */
  subject: string;
  cert: string;
  key: string;
}

export interface KeystoreMakerOptions {
  /** The keystore root (ROS_SECURITY_KEYSTORE); created. */
  keystore: string;
  /** Where the CAs' keys and `openssl ca`'s database go (created; not part of the keystore). */
  workDir: string;
  /** Key type of the CAs and of identities by default (default `ec`: P-256, as SROS2). */
  algo?: KeyAlgo;
  /** A permissions CA of its own (default: one CA for both, as `create_keystore` makes it). */
  separateCas?: boolean;
  /** Validity of the CAs in days (default 30). */
  caDays?: number;
  /** Common names of the CAs (default `medkit SROS2 CA`, `medkit SROS2 permissions CA`). */
  caNames?: { identity?: string; permissions?: string };
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

/** A keystore being made: its CAs exist; enclaves are added with makeEnclave. */
export class Sros2KeystoreMaker {
  readonly keystore: string;
  readonly workDir: string;
  readonly algo: KeyAlgo;
  private readonly caDays: number;
  private leaves = 0;

  private constructor(o: KeystoreMakerOptions) {
    this.keystore = o.keystore;
    this.workDir = o.workDir;
    this.algo = o.algo ?? 'ec';
    this.caDays = o.caDays ?? 30;
  }

  /** Makes the directories and the CA(s); throws OpensslError (openssl missing or failing). */
  static create(o: KeystoreMakerOptions): Sros2KeystoreMaker {
    const m = new Sros2KeystoreMaker(o);
    for (const d of [join(o.keystore, 'public'), join(o.keystore, 'private'), join(o.keystore, 'enclaves'), o.workDir]) mkdirSync(d, { recursive: true });
    const work = o.workDir;
    m.makeCa('identity_ca', o.caNames?.identity ?? 'medkit SROS2 CA');
    if (o.separateCas) m.makeCa('permissions_ca', o.caNames?.permissions ?? 'medkit SROS2 permissions CA');
    else {
      copyFileSync(join(work, 'identity_ca.pem'), join(work, 'permissions_ca.pem'));
      copyFileSync(join(work, 'identity_ca.key'), join(work, 'permissions_ca.key'));
    }
    for (const ca of ['identity_ca', 'permissions_ca']) {
      copyFileSync(join(work, `${ca}.pem`), join(o.keystore, 'public', `${ca}.cert.pem`));
      copyFileSync(join(work, `${ca}.key`), join(o.keystore, 'private', `${ca}.key.pem`));
    }
    // `openssl ca` (not `x509 -req`) so a certificate can be given any validity period, back-dated included.
    writeFileSync(join(work, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=none\n[p]\ncommonName=supplied\n');
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'serial'), '1000\n');
    return m;
  }

  /** A self-signed CA `<workDir>/<name>.pem` (key `<name>.key`) with common name `cn`. */
  makeCa(name: string, cn: string, algo: KeyAlgo = this.algo): string {
    openssl(['req', '-x509', ...newKey(algo), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(this.caDays), '-subj', subj(cn)], this.workDir);
    return this.caCert(name);
  }

  /** The certificate file of the CA `name`. */
  caCert(name: string): string {
    return join(this.workDir, `${name}.pem`);
  }

  /** Signs `xml` as S/MIME (`openssl smime -sign -text`) with the CA `signer` and writes it to `out`. */
  sign(xml: string, out: string, signer = 'permissions_ca'): void {
    const src = `${out}.xml.tmp`;
    writeFileSync(src, xml);
    try {
      openssl(['smime', '-sign', '-text', '-in', src, '-out', out, '-signer', `${signer}.pem`, '-inkey', `${signer}.key`], this.workDir);
    } finally {
      rmSync(src, { force: true });
    }
  }

  /** Makes the enclave `enclave` (e.g. `/medkit/gateway`): identity, the CAs, signed governance and permissions. */
  makeEnclave(enclave: string, o: MakeEnclaveOptions): MadeEnclave {
    const dir = join(this.keystore, 'enclaves', ...enclave.split('/').filter((s) => s !== ''));
    mkdirSync(dir, { recursive: true });
    const name = `leaf${this.leaves++}`;
    openssl(['req', ...newKey(o.algo ?? this.algo), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj(enclave)], this.workDir);
    const ca = o.issuer ?? 'identity_ca';
    const v = o.validity ?? { days: 30 };
    const dates = 'days' in v ? ['-days', String(v.days)] : ['-startdate', stamp(v.start), '-enddate', stamp(v.end)];
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', ...dates], this.workDir);
    copyFileSync(join(this.workDir, `${name}.pem`), join(dir, 'cert.pem'));
    copyFileSync(join(this.workDir, `${name}.key`), join(dir, 'key.pem'));
    copyFileSync(join(this.keystore, 'public', 'identity_ca.cert.pem'), join(dir, 'identity_ca.cert.pem'));
    copyFileSync(join(this.keystore, 'public', 'permissions_ca.cert.pem'), join(dir, 'permissions_ca.cert.pem'));
    writeFileSync(join(dir, 'governance.xml'), o.governanceXml);
    writeFileSync(join(dir, 'permissions.xml'), o.permissionsXml);
    this.sign(o.governanceXml, join(dir, 'governance.p7s'), o.signer);
    this.sign(o.permissionsXml, join(dir, 'permissions.p7s'), o.signer);
    return { dir, subject: enclaveSubject(enclave), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  }
}

// ---- documents -------------------------------------------------------------------------------

/** Domain ids: single ids and inclusive ranges. */
export type DomainSet = (number | { min: number; max: number })[];

const domainsXml = (domains: DomainSet, indent: string): string =>
  domains.map((d) => (typeof d === 'number' ? `${indent}<id>${d}</id>` : `${indent}<id_range><min>${d.min}</min><max>${d.max}</max></id_range>`)).join('\n');

/** One topic_rule of a governance document. */
export interface TopicRuleSpec {
  expression: string;
  discoveryProtection: boolean;
  livelinessProtection: boolean;
  readAccessControl: boolean;
  writeAccessControl: boolean;
  metadataProtection: string;
  dataProtection: string;
}

export interface GovernanceSpec {
  domains: DomainSet;
  allowUnauthenticated?: boolean;
  joinAccessControl?: boolean;
  discoveryProtection: string;
  livelinessProtection: string;
  rtpsProtection: string;
  topicRules: TopicRuleSpec[];
}

/** A governance document with one domain rule. */
export function governanceDocument(g: GovernanceSpec): string {
  const rules = g.topicRules.map((t) => `        <topic_rule>
          <topic_expression>${t.expression}</topic_expression>
          <enable_discovery_protection>${t.discoveryProtection}</enable_discovery_protection>
          <enable_liveliness_protection>${t.livelinessProtection}</enable_liveliness_protection>
          <enable_read_access_control>${t.readAccessControl}</enable_read_access_control>
          <enable_write_access_control>${t.writeAccessControl}</enable_write_access_control>
          <metadata_protection_kind>${t.metadataProtection}</metadata_protection_kind>
          <data_protection_kind>${t.dataProtection}</data_protection_kind>
        </topic_rule>
`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd">
  <domain_access_rules>
    <domain_rule>
      <domains>
${domainsXml(g.domains, '        ')}
      </domains>
      <allow_unauthenticated_participants>${g.allowUnauthenticated ?? false}</allow_unauthenticated_participants>
      <enable_join_access_control>${g.joinAccessControl ?? true}</enable_join_access_control>
      <discovery_protection_kind>${g.discoveryProtection}</discovery_protection_kind>
      <liveliness_protection_kind>${g.livelinessProtection}</liveliness_protection_kind>
      <rtps_protection_kind>${g.rtpsProtection}</rtps_protection_kind>
      <topic_access_rules>
${rules.join('')}      </topic_access_rules>
    </domain_rule>
  </domain_access_rules>
</dds>
`;
}

/** A topic rule protecting everything it matches (discovery, liveliness, access control, metadata and data ENCRYPT). */
export const protectedTopicRule = (expression: string): TopicRuleSpec => ({
  expression,
  discoveryProtection: true,
  livelinessProtection: true,
  readAccessControl: true,
  writeAccessControl: true,
  metadataProtection: 'ENCRYPT',
  dataProtection: 'ENCRYPT',
});

/**
 * SROS2's default governance (sros2/policy/defaults/dds/governance.xml, what `create_enclave` signs): domains
 * 0..230, join access control, discovery and liveliness ENCRYPT, RTPS SIGN, every topic protected and encrypted.
 */
export function sros2DefaultGovernanceXml(): string {
  return governanceDocument({ domains: [{ min: 0, max: 230 }], discoveryProtection: 'ENCRYPT', livelinessProtection: 'ENCRYPT', rtpsProtection: 'SIGN', topicRules: [protectedTopicRule('*')] });
}

/** One allow_rule or deny_rule: DDS topic expressions (`rt/chatter`, `rq/*`) it publishes and subscribes. */
export interface PermissionRuleSpec {
  kind: 'allow' | 'deny';
  domains: DomainSet;
  publish?: string[];
  subscribe?: string[];
  /** Partition expressions of both criteria (absent: the default partition only, all ROS 2 uses). */
  partitions?: string[];
}

export interface PermissionsSpec {
  /** The grant's subject (`CN=/medkit/gateway`). */
  subject: string;
  /** Validity as `xs:dateTime` without a zone (UTC), default 2020-01-01 .. 2099-01-01. */
  validity?: { from: string; to: string };
  rules: PermissionRuleSpec[];
  default?: 'ALLOW' | 'DENY';
}

const topicsXml = (what: 'publish' | 'subscribe', topics: string[] | undefined, partitions: string[] | undefined): string[] => {
  if (topics === undefined) return [];
  const parts = partitions ? `\n          <partitions>\n${partitions.map((p) => `            <partition>${p}</partition>`).join('\n')}\n          </partitions>` : '';
  return [`        <${what}>\n          <topics>\n${topics.map((t) => `            <topic>${t}</topic>`).join('\n')}\n          </topics>${parts}\n        </${what}>`];
};

/** A permissions document with one grant (rules in order, then the default, DENY unless given). */
export function permissionsDocument(p: PermissionsSpec): string {
  const v = p.validity ?? { from: '2020-01-01T00:00:00', to: '2099-01-01T00:00:00' };
  const rules = p.rules.map((r) => [`      <${r.kind}_rule>`, `        <domains>\n${domainsXml(r.domains, '          ')}\n        </domains>`, ...topicsXml('publish', r.publish, r.partitions), ...topicsXml('subscribe', r.subscribe, r.partitions), `      </${r.kind}_rule>`].join('\n'));
  return `<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd">
  <permissions>
    <grant name="${p.subject.replace(/^CN=/, '')}">
      <subject_name>${p.subject}</subject_name>
      <validity>
        <not_before>${v.from}</not_before>
        <not_after>${v.to}</not_after>
      </validity>
${rules.join('\n')}
      <default>${p.default ?? 'DENY'}</default>
    </grant>
  </permissions>
</dds>
`;
}
