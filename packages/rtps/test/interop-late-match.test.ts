// A volatile reader of ours that learns of a Cyclone / Fast DDS writer only after that writer
// matched it (support/late-match-suite.ts). ROS domains 161 (Cyclone) and 162 (Fast DDS).
import { CYCLONE, FASTDDS, describeWith } from '../../../test-support/requirements.js';
import { lateMatchSuite } from './support/late-match-suite.js';
import { testDomain } from '../../../test-support/domains.js';

describeWith(CYCLONE, 'late match with a Cyclone DDS writer', () => lateMatchSuite('cyclone', testDomain(18)));
describeWith(FASTDDS, 'late match with a Fast DDS writer', () => lateMatchSuite('fastdds', testDomain(19)));
