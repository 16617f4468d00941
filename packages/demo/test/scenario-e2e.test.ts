// End to end, as `npm start` runs it, on a plain ROS domain (testDomain(46), the safety island on
// testDomain(47)): the scenario suite of support/scenario-suite.ts.
import { testDomain } from '../../../test-support/domains.js';
import { scenarioSuite } from './support/scenario-suite.js';

scenarioSuite('the demo through the main gateway', testDomain(46), []);
