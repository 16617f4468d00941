// Governance and permissions documents as SROS2 makes them (openssl smime -sign -text, keystore made here with
// the openssl CLI): the signature is verified against the permissions CA, the XML is parsed, and the evaluator
// answers "may subject S publish / subscribe topic T in domain D now" with fnmatch semantics.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createSros2Keystore, governanceXml, permissionsXml, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { AccessControl, fnmatch, parseGovernance, parsePermissions, parseXml, SecurityError, splitSmime, verifySmime } from '../../src/security/index.js';

const reason = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(SecurityError);
    return `${(err as SecurityError).reason}: ${(err as Error).message}`;
  }
  return 'accepted';
};

describe('fnmatch (POSIX, no flags)', () => {
  it.each([
    ['*', 'rt/chatter', true],
    ['rt/*', 'rt/a/b', true],
    ['rt/chat?er', 'rt/chatter', true],
    ['rt/chat?er', 'rt/chatt', false],
    ['rq/*/get_parametersRequest', 'rq/talker/get_parametersRequest', true],
    ['rq/*/get_parametersRequest', 'rq/talker/set_parametersRequest', false],
    ['rt/[abc]x', 'rt/bx', true],
    ['rt/[!abc]x', 'rt/bx', false],
    ['rt/[a-c]x', 'rt/cx', true],
    ['rt/\\*', 'rt/*', true],
    ['rt/\\*', 'rt/x', false],
    ['a*b*c', 'aXXbYYbc', true],
    ['a*b*c', 'aXXbYYbd', false],
    ['', '', true],
    ['[', '[', true],
  ])('%s ~ %s = %s', (p, n, want) => expect(fnmatch(p, n)).toBe(want));

  it('stays fast on a pathological pattern', () => {
    const t = Date.now();
    expect(fnmatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(500))).toBe(false);
    expect(Date.now() - t).toBeLessThan(1000);
  });
});

describe('bounded XML reader', () => {
  it('refuses a DOCTYPE (no entity expansion), unknown entities, mismatched tags and oversize documents', async () => {
    expect(await reason(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'doc'))).toMatch(/^bad-xml: doc: a DOCTYPE/);
    expect(await reason(() => parseXml('<x>&nope;</x>', 'doc'))).toMatch(/^bad-xml: .*unknown entity/);
    expect(await reason(() => parseXml('<x><y></x>', 'doc'))).toMatch(/^bad-xml: .*closing tag/);
    expect(await reason(() => parseXml('<x>' + '<y/>'.repeat(60_000) + '</x>', 'doc'))).toMatch(/^too-large: doc: more than 50000 elements/);
    expect(await reason(() => parseXml('<a>'.repeat(40) + '</a>'.repeat(40), 'doc'))).toMatch(/^too-large: doc: nested deeper/);
    expect(await reason(() => parseXml(`<x>${'y'.repeat(1024 * 1024 + 1)}</x>`, 'doc'))).toMatch(/^too-large/);
  });
  it('reads entities, CDATA, comments, attributes and namespace prefixes', () => {
    const root = parseXml('<?xml version="1.0"?><!-- c --><n:dds a="1&amp;2"><t>x &lt; y<![CDATA[<z>]]>&#65;</t></n:dds>', 'doc');
    expect(root.name).toBe('dds');
    expect(root.attrs.a).toBe('1&2');
    expect(root.children[0].text).toBe('x < y<z>A');
  });
});

describe('governance and permissions XML', () => {
  it('parses SROS2-shaped documents', () => {
    const g = parseGovernance(governanceXml(7));
    expect(g.domainRules[0]).toMatchObject({ domains: [{ min: 7, max: 7 }], allowUnauthenticatedParticipants: false, enableJoinAccessControl: true, discoveryProtectionKind: 'ENCRYPT', rtpsProtectionKind: 'SIGN' });
    expect(g.domainRules[0].topicRules.map((t) => t.topicExpression)).toEqual(['rt/public_*', '*']);
    const p = parsePermissions(permissionsXml('CN=/robot/talker', 7));
    expect(p.grants[0]).toMatchObject({ name: '/robot/talker', subjectName: 'CN=/robot/talker', default: 'DENY' });
    expect(p.grants[0].notBefore.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(p.grants[0].rules.map((r) => r.kind)).toEqual(['deny', 'allow']);
  });
  it('names what is wrong', async () => {
    expect(await reason(() => parseGovernance(governanceXml(0).replace('<enable_join_access_control>true</enable_join_access_control>', '')))).toMatch(/domain_rule 1: <domain_rule> lacks <enable_join_access_control>/);
    expect(await reason(() => parseGovernance(governanceXml(0).replace('<rtps_protection_kind>SIGN', '<rtps_protection_kind>MAYBE')))).toMatch(/rtps_protection_kind> is 'MAYBE'/);
    expect(await reason(() => parsePermissions(permissionsXml('CN=x').replace('2099-01-01T00:00:00', 'someday')))).toMatch(/'someday' is not an xs:dateTime/);
    expect(await reason(() => parsePermissions(permissionsXml('CN=x').replace('<default>DENY', '<default>MAYBE')))).toMatch(/<default> is 'MAYBE'/);
  });
});

describe('the access-control evaluator', () => {
  const ac = new AccessControl(parseGovernance(governanceXml(7)), parsePermissions(permissionsXml('CN=/robot/talker', 7)));
  const talker = 'CN=/robot/talker';
  it('allows what an allow_rule names, with fnmatch', () => {
    expect(ac.check(talker, 'publish', 'rt/chatter', 7)).toMatchObject({ allowed: true, reason: expect.stringMatching(/allow_rule 2 .* allows publish 'rt\/chatter'/) });
    expect(ac.check(talker, 'publish', 'rt/chatter2', 7).allowed).toBe(true);
    expect(ac.check(talker, 'publish', 'rr/talker/get_parametersReply', 7).allowed).toBe(true);
    expect(ac.check(talker, 'subscribe', 'rq/talker/get_parametersRequest', 7).allowed).toBe(true);
  });
  it('a deny_rule before the allow_rule wins; the default denies the rest', () => {
    expect(ac.check(talker, 'publish', 'rt/chatter_secret', 7)).toMatchObject({ allowed: false, reason: expect.stringMatching(/deny_rule 1 .* denies publish/) });
    expect(ac.check(talker, 'subscribe', 'rt/chatter', 7)).toMatchObject({ allowed: false, reason: expect.stringMatching(/denies by default/) });
  });
  it('governance that does not control a topic allows it without a grant', () => {
    expect(ac.check('CN=/stranger', 'publish', 'rt/public_status', 7)).toMatchObject({ allowed: true, reason: expect.stringMatching(/does not control writing/) });
    expect(ac.check('CN=/stranger', 'publish', 'rt/chatter', 7)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no grant for subject/) });
  });
  it('another domain, an expired or future grant, and joining', () => {
    expect(ac.check(talker, 'publish', 'rt/chatter', 8)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no domain_rule for domain 8/) });
    expect(ac.check(talker, 'publish', 'rt/chatter', 7, { now: new Date('2100-01-01') })).toMatchObject({ allowed: false, reason: expect.stringMatching(/expired/) });
    expect(ac.check(talker, 'publish', 'rt/chatter', 7, { now: new Date('2019-01-01') })).toMatchObject({ allowed: false, reason: expect.stringMatching(/not valid before/) });
    expect(ac.mayJoin(talker, 7).allowed).toBe(true);
    expect(ac.mayJoin('CN=/stranger', 7).allowed).toBe(false);
  });
  it('subjects compare as sets of attributes, in either DN form', () => {
    const multi = new AccessControl(parseGovernance(governanceXml(7)), parsePermissions(permissionsXml('CN=/robot/talker,O=Acme', 7)));
    expect(multi.check('O=Acme\nCN=/robot/talker', 'publish', 'rt/chatter', 7).allowed).toBe(true);
    expect(multi.check('commonName=/robot/talker, o=Acme', 'publish', 'rt/chatter', 7).allowed).toBe(true);
    expect(multi.check('CN=/robot/talker', 'publish', 'rt/chatter', 7).allowed).toBe(false);
  });
  it('partitions: a criteria without <partitions> covers only the default partition', () => {
    expect(ac.check(talker, 'publish', 'rt/chatter', 7, { partitions: ['p1'] }).allowed).toBe(false);
  });
});

describeWith(OPENSSL, 'S/MIME signed documents (openssl smime -sign -text)', () => {
  let ks: Sros2Keystore;
  let dir: string;
  let ca: X509Certificate;
  beforeAll(() => {
    ks = createSros2Keystore({ separateCas: true });
    dir = ks.makeEnclave('/robot/talker').dir;
    ca = new X509Certificate(readFileSync(ks.permissionsCaCert));
  });
  afterAll(() => ks?.remove());

  it('verifies governance and permissions against the permissions CA and returns the XML', async () => {
    const gov = await verifySmime(readFileSync(join(dir, 'governance.p7s')), ca, 'governance.p7s');
    expect(parseGovernance(gov.content).domainRules).toHaveLength(1);
    expect(gov.signer).toContain('sros2 permissions CA');
    const perm = await verifySmime(readFileSync(join(dir, 'permissions.p7s'), 'utf8'), ca, 'permissions.p7s');
    expect(parsePermissions(perm.content).grants[0].subjectName).toBe('CN=/robot/talker');
  });

  it('refuses a changed document, another signer, the identity CA as trust anchor and non-S/MIME input', async () => {
    const text = readFileSync(join(dir, 'permissions.p7s'), 'utf8');
    expect(await reason(verifySmime(text.replace('rt/chatter*', 'rt/*'), ca, 'permissions.p7s'))).toMatch(/^bad-signature: permissions\.p7s: signature does not verify/);
    const other = ks.makeEnclave('/robot/other', { signWithOtherCa: true });
    expect(await reason(verifySmime(readFileSync(join(other.dir, 'governance.p7s')), ca, 'governance.p7s'))).toMatch(/^untrusted: governance\.p7s: not signed by the permissions CA/);
    const identityCa = new X509Certificate(readFileSync(ks.identityCaCert));
    expect(await reason(verifySmime(text, identityCa, 'permissions.p7s'))).toMatch(/^untrusted/);
    expect(await reason(verifySmime('<dds/>', ca, 'permissions.p7s'))).toMatch(/^bad-smime/);
    expect(await reason(verifySmime(text.replace(/base64/g, 'quoted-printable'), ca, 'p'))).toMatch(/^bad-smime: p: the signature part is not base64/);
    expect(await reason(verifySmime(text, ca, 'p', { limits: { maxBytes: 100 } }))).toMatch(/^too-large/);
  });

  it('the signed bytes are the first part with CRLF line ends', () => {
    const { signed, content } = splitSmime(readFileSync(join(dir, 'governance.p7s'), 'utf8'), 'g');
    expect(signed.toString().startsWith('Content-Type: text/plain\r\n\r\n<?xml')).toBe(true);
    expect(content.startsWith('<?xml')).toBe(true);
  });
});
