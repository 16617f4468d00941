// SROS2 keystores made at test time with the openssl CLI, laid out as `ros2 security create_keystore` /
// `create_enclave` lay them out: <keystore>/public/{identity,permissions}_ca.cert.pem, <keystore>/private/*.key.pem
// and <keystore>/enclaves/<enclave>/ holding cert.pem, key.pem, identity_ca.cert.pem, permissions_ca.cert.pem,
// governance.p7s and permissions.p7s (plus the XML they were signed from). Governance and permissions are signed
// with `openssl smime -sign -text`, exactly as SROS2 does. A second, unrelated CA is there for "wrong CA" cases.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyAlgo = 'ec' | 'rsa';

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

const openssl = (args: string[], cwd: string): string => execFileSync('openssl', args, { cwd, stdio: 'pipe' }).toString();

function newKey(algo: KeyAlgo): string[] {
  return algo === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
}

/** `openssl -subj` form of a DN whose values may hold `/` (SROS2 enclave names do). */
const subj = (cn: string): string => `/CN=${cn.replace(/\//g, '\\/')}`;

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
  return `<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd">
  <domain_access_rules>
    <domain_rule>
      <domains>
        <id_range><min>${domain}</min><max>${domain}</max></id_range>
      </domains>
      <allow_unauthenticated_participants>${opts.allowUnauthenticated ?? false}</allow_unauthenticated_participants>
      <enable_join_access_control>${opts.join ?? true}</enable_join_access_control>
      <discovery_protection_kind>${opts.discovery ?? p}</discovery_protection_kind>
      <liveliness_protection_kind>${opts.liveliness ?? p}</liveliness_protection_kind>
      <rtps_protection_kind>${opts.rtps ?? 'SIGN'}</rtps_protection_kind>
      <topic_access_rules>
        <topic_rule>
          <topic_expression>rt/public_*</topic_expression>
          <enable_discovery_protection>false</enable_discovery_protection>
          <enable_liveliness_protection>false</enable_liveliness_protection>
          <enable_read_access_control>false</enable_read_access_control>
          <enable_write_access_control>false</enable_write_access_control>
          <metadata_protection_kind>NONE</metadata_protection_kind>
          <data_protection_kind>NONE</data_protection_kind>
        </topic_rule>
${(opts.uncontrolledWrites ?? []).map((t) => topicRule(t, opts, data, false)).join('')}${topicRule('*', opts, data, true)}
      </topic_access_rules>
    </domain_rule>
  </domain_access_rules>
</dds>
`;
}

/** A protected topic_rule (discovery, liveliness, read control, metadata and data as `opts` say). */
function topicRule(expression: string, opts: GovernanceOptions, data: string, writeControl: boolean): string {
  return `        <topic_rule>
          <topic_expression>${expression}</topic_expression>
          <enable_discovery_protection>${opts.topicDiscovery ?? true}</enable_discovery_protection>
          <enable_liveliness_protection>${opts.topicDiscovery ?? true}</enable_liveliness_protection>
          <enable_read_access_control>true</enable_read_access_control>
          <enable_write_access_control>${writeControl}</enable_write_access_control>
          <metadata_protection_kind>${opts.metadata ?? data}</metadata_protection_kind>
          <data_protection_kind>${data}</data_protection_kind>
        </topic_rule>
`;
}

type Validity = { from: string; to: string };
const ALWAYS: Validity = { from: '2020-01-01T00:00:00', to: '2099-01-01T00:00:00' };

/** A permissions document with one grant for `subject` holding `rules` (XML) and default DENY. */
function grantXml(subject: string, validity: Validity, rules: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<dds xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd">
  <permissions>
    <grant name="${subject.replace(/^CN=/, '')}">
      <subject_name>${subject}</subject_name>
      <validity>
        <not_before>${validity.from}</not_before>
        <not_after>${validity.to}</not_after>
      </validity>
${rules}
      <default>DENY</default>
    </grant>
  </permissions>
</dds>
`;
}

/** One allow_rule or deny_rule for `domain` around the publish / subscribe XML `inner`. */
const rule = (kind: 'allow' | 'deny', domain: number, inner: string): string =>
  `      <${kind}_rule>\n        <domains><id>${domain}</id></domains>\n${inner}\n      </${kind}_rule>`;

/** A permissions document like SROS2 writes for a talker: publish rt/chatter, the node's parameter services, a deny rule. */
export function permissionsXml(subject: string, domain = 0, validity = ALWAYS): string {
  const allowed = `        <publish>
          <topics>
            <topic>rt/chatter*</topic>
            <topic>rr/*/get_parametersReply</topic>
            <topic>rt/rosout</topic>
          </topics>
        </publish>
        <subscribe>
          <topics>
            <topic>rq/*/get_parametersRequest</topic>
            <topic>rt/parameter_events</topic>
          </topics>
        </subscribe>`;
  return grantXml(subject, validity, [rule('deny', domain, '        <publish><topics><topic>rt/chatter_secret</topic></topics></publish>'), rule('allow', domain, allowed)].join('\n'));
}

/** A permissions document allowing `subject` to publish and subscribe every topic in `domain` (interop peers: rmw's graph topics included). */
export function allowAllPermissionsXml(subject: string, domain = 0, validity = ALWAYS): string {
  const everything = '        <publish><topics><topic>*</topic></topics></publish>\n        <subscribe><topics><topic>*</topic></topics></subscribe>';
  return grantXml(subject, validity, rule('allow', domain, everything));
}

/** Like allowAllPermissionsXml, but a deny rule first refuses `publish` on these topic expressions. */
export function denyPublishPermissionsXml(subject: string, domain: number, topics: string[], validity = ALWAYS): string {
  const denied = `        <publish><topics>${topics.map((t) => `<topic>${t}</topic>`).join('')}</topics></publish>`;
  const everything = '        <publish><topics><topic>*</topic></topics></publish>\n        <subscribe><topics><topic>*</topic></topics></subscribe>';
  return grantXml(subject, validity, [rule('deny', domain, denied), rule('allow', domain, everything)].join('\n'));
}

/** Creates a keystore (identity CA = permissions CA, as SROS2's create_keystore does, unless `separateCas`). */
export function createSros2Keystore(opts: { algo?: KeyAlgo; separateCas?: boolean } = {}): Sros2Keystore {
  const algo = opts.algo ?? 'ec';
  const root = mkdtempSync(join(tmpdir(), 'medkit-sros2-'));
  const keystore = join(root, 'keystore');
  const work = join(root, 'ca');
  for (const d of [join(keystore, 'public'), join(keystore, 'private'), join(keystore, 'enclaves'), work]) mkdirSync(d, { recursive: true });
  const makeCa = (name: string, cn: string) => openssl(['req', '-x509', ...newKey(algo), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', subj(cn)], work);
  makeCa('identity_ca', 'sros2testCA');
  if (opts.separateCas) makeCa('permissions_ca', 'sros2 permissions CA');
  else {
    copyFileSync(join(work, 'identity_ca.pem'), join(work, 'permissions_ca.pem'));
    copyFileSync(join(work, 'identity_ca.key'), join(work, 'permissions_ca.key'));
  }
  makeCa('other_ca', 'someone else');
  copyFileSync(join(work, 'identity_ca.pem'), join(keystore, 'public', 'identity_ca.cert.pem'));
  copyFileSync(join(work, 'permissions_ca.pem'), join(keystore, 'public', 'permissions_ca.cert.pem'));
  copyFileSync(join(work, 'identity_ca.key'), join(keystore, 'private', 'identity_ca.key.pem'));
  copyFileSync(join(work, 'permissions_ca.key'), join(keystore, 'private', 'permissions_ca.key.pem'));
  // `openssl ca` (not `x509 -req`) so a test can back-date a certificate.
  writeFileSync(join(work, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=none\n[p]\ncommonName=supplied\n');
  writeFileSync(join(work, 'index.txt'), '');
  writeFileSync(join(work, 'serial'), '1000\n');

  const sign = (xml: string, out: string, other = false) => {
    const src = `${out}.xml.tmp`;
    writeFileSync(src, xml);
    const ca = other ? 'other_ca' : 'permissions_ca';
    openssl(['smime', '-sign', '-text', '-in', src, '-out', out, '-signer', `${ca}.pem`, '-inkey', `${ca}.key`], work);
    rmSync(src);
  };

  let n = 0;
  return {
    keystore,
    identityCaCert: join(keystore, 'public', 'identity_ca.cert.pem'),
    permissionsCaCert: join(keystore, 'public', 'permissions_ca.cert.pem'),
    otherCaCert: join(work, 'other_ca.pem'),
    sign,
    makeEnclave(enclave, o = {}) {
      const dir = join(keystore, 'enclaves', ...enclave.split('/').filter((s) => s !== ''));
      mkdirSync(dir, { recursive: true });
      const name = `leaf${n++}`;
      openssl(['req', ...newKey(o.algo ?? algo), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj(enclave)], work);
      const ca = o.identityFromOtherCa ? 'other_ca' : 'identity_ca';
      const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
      const dates = o.expired
        ? ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']
        : o.expiresInSeconds !== undefined
          ? ['-startdate', stamp(Date.now() - 3_600_000), '-enddate', stamp(Date.now() + o.expiresInSeconds * 1000)]
          : ['-days', '30'];
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', ...dates], work);
      copyFileSync(join(work, `${name}.pem`), join(dir, 'cert.pem'));
      copyFileSync(join(work, `${name}.key`), join(dir, 'key.pem'));
      copyFileSync(join(keystore, 'public', 'identity_ca.cert.pem'), join(dir, 'identity_ca.cert.pem'));
      copyFileSync(join(keystore, 'public', 'permissions_ca.cert.pem'), join(dir, 'permissions_ca.cert.pem'));
      const subject = `CN=${enclave}`;
      const gov = o.governanceXml ?? governanceXml();
      const perm = o.permissionsXml ?? permissionsXml(subject);
      writeFileSync(join(dir, 'governance.xml'), gov);
      writeFileSync(join(dir, 'permissions.xml'), perm);
      sign(gov, join(dir, 'governance.p7s'), o.signWithOtherCa);
      sign(perm, join(dir, 'permissions.p7s'), o.signWithOtherCa);
      return { dir, subject, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
