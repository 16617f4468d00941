// SROS2 on the wire against Cyclone DDS 0.10.2 with its DDS-Security plugins (Debian's libddsc0debian ships
// libdds_security_{auth,ac,crypto}.so): the shared suite (../support/sros2-interop-suite.ts) with the Cyclone peer,
// whose CYCLONEDDS_URI gets a <Security> section from PEER_SECURITY_ENCLAVE (../peers/README.md).
// ROS domains: offsets 220 (secured pairs and protected data), 221 (handshakes and refusals).
import { CYCLONE_SECURITY, describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { testDomain } from '../../../../test-support/domains.js';
import { sros2InteropSuite } from '../support/sros2-interop-suite.js';

describeWith([...CYCLONE_SECURITY, ...OPENSSL], 'SROS2 on the wire with Cyclone DDS', () => sros2InteropSuite('cyclone', { peer: testDomain(220), auth: testDomain(221) }));
