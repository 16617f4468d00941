// SROS2 on the wire against Fast DDS 2.9.1 built with its DDS-Security plugins (builtin PKI-DH,
// Access-Permissions, AES-GCM-GMAC): the shared suite (../support/sros2-interop-suite.ts) with the Fast DDS peer.
// ROS domains: offsets 194 (secured pairs and protected data), 198 (handshakes and refusals).
import { describeWith, FASTDDS, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { sros2InteropSuite } from '../support/sros2-interop-suite.js';

describeWith([...FASTDDS, ...OPENSSL], 'SROS2 on the wire with Fast DDS', () => sros2InteropSuite('fastdds', { peer: testDomain(194), auth: testDomain(198) }));
