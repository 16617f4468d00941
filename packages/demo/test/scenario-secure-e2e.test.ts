// The demo over a secured ROS domain (`npm start -- --secure`; robot on testDomain(225), safety island on
// testDomain(226)): the launcher makes a throw-away SROS2 keystore with openssl, one enclave per process, SROS2's
// default governance; both gateways join through ros.security.*, the node processes through RosContext's security
// option (ROS_SECURITY_*), the managed script through its own enclave. The same scenario suite as on a plain
// domain (support/scenario-suite.ts), and: both gateways authenticated every peer and refused none, and a
// participant without the keystore sees the robot's participants but none of its nodes or topics.
import { RosContext } from '@medkit/ros2';
import { expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { describeWith, OPENSSL } from '../../../test-support/requirements.js';
import { eventually, http } from '../../../test-support/demo/demo.js';
import { scenarioSuite } from './support/scenario-suite.js';

const DOMAIN = testDomain(225); // the safety island takes testDomain(226)

/** x-medkit-ros.security of a gateway's /health. */
async function security(api: string): Promise<{ secured: boolean; enclave: string; peers_authenticated: number; peers_refused: number; endpoints_refused: number; peers: { status: string; subject?: string }[] }> {
  return (await http(`${api}/health`)).body['x-medkit-ros'].security;
}

describeWith(OPENSSL, 'the demo over SROS2', () => {
  scenarioSuite('the secured demo through the main gateway', DOMAIN, ['--secure'], (run) => {
    it('says it is secured, and both gateways authenticated every peer with its own enclave, refusing none', async () => {
      const { demo, api, islandApi } = run();
      expect(demo.stdout()).toMatch(/Secured with SROS2 \(DDS-Security\): one enclave per process in \S+\/sros2\/keystore, SROS2's default governance/);
      // The main gateway meets the robot's nine participants (eight nodes with one each, the pipeline nodes sharing
      // one) and the island's link to the robot's domain; the island gateway the island's two on its domain.
      const main = await eventually(async () => {
        const s = await security(api);
        return s.peers_authenticated >= 10 && s.peers.every((p) => p.status === 'authenticated') ? s : undefined;
      }, 'main gateway: robot and island link authenticated', 60_000);
      expect(main).toMatchObject({ secured: true, enclave: '/demo/main_gateway', peers_refused: 0, endpoints_refused: 0 });
      // The managed script's participant (enclave /demo/trigger_person) may still be listed from the test before.
      const subjects = new Set(main.peers.map((p) => p.subject));
      expect(subjects).toEqual(new Set(['CN=/demo/robot', 'CN=/demo/safety_island', ...(subjects.has('CN=/demo/trigger_person') ? ['CN=/demo/trigger_person'] : [])]));
      const island = await security(islandApi);
      expect(island).toMatchObject({ secured: true, enclave: '/demo/island_gateway', peers_authenticated: 2, peers_refused: 0, endpoints_refused: 0 });
      expect(new Set(island.peers.map((p) => p.subject))).toEqual(new Set(['CN=/demo/safety_island']));
      // With their messages, so that a failure names the stream or peer.
      const warnings: Array<{ code: string; message: string }> = (await http(`${api}/health`)).body.warnings ?? [];
      expect(warnings.filter((w) => w.code.startsWith('ros_')).map((w) => `${w.code}: ${w.message}`)).toEqual([]);
    });

    it('shows a participant without the keystore nothing of the robot but its bare participants', async () => {
      const stranger = await RosContext.create({ domainId: DOMAIN, localhostOnly: true });
      try {
        // SPDP stays in the clear (it carries the identity tokens): the robot's participants are seen ...
        await stranger.graph.waitFor((g) => g.participants().filter((p) => !p.local).length >= 11, { timeoutMs: 15_000 });
        await new Promise((r) => setTimeout(r, 3000));
        // ... but discovery of every endpoint goes over secure SEDP, and ros_discovery_info is encrypted.
        expect(stranger.graph.nodes().map((n) => n.fqn)).toEqual([]);
        expect(stranger.graph.publishersOf('/scan')).toEqual([]);
        expect(stranger.graph.subscribersOf('/cmd_vel')).toEqual([]);
      } finally {
        await stranger.close();
      }
    }, 30_000);
  });
});
