// Our participant against the Cyclone DDS 0.10 peer (test/peers): discovery, both directions,
// 256 KiB fragmented samples, transient-local history, SIGTERM/SIGKILL. ROS domain 20.
import { CYCLONE, describeWith } from '../../../test-support/requirements.js';
import { interopSuite } from './support/interop-suite.js';
import { testDomain } from '../../../test-support/domains.js';

describeWith(CYCLONE, 'interop with Cyclone DDS', () => interopSuite('cyclone', testDomain(5), 10));
