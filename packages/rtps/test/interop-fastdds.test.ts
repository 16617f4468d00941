// Our participant against the Fast DDS 2.9 peer (test/peers): discovery, both directions,
// 256 KiB fragmented samples, transient-local history, SIGTERM/SIGKILL. ROS domain 21.
import { FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { interopSuite } from './support/interop-suite.js';
import { testDomain } from '../../../test-support/domains.js';

describeWith(FASTDDS, 'interop with Fast DDS', () => interopSuite('fastdds', testDomain(6), 20));
