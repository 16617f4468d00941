// The fleet's rule for writes forwarded to a robot (moved from the gateway's access-rule tests).
import { describe, expect, it } from 'vitest';
import { fleetForwardRole } from '../src/routes.js';

describe('access rules', () => {
  it('hold writes forwarded to a robot to the robot route’s role', () => {
    expect(fleetForwardRole('GET', '/api/v1/components/amr/apps/amr__a/configurations/x')).toBe('viewer');
    expect(fleetForwardRole('PUT', '/api/v1/components/amr/apps/amr__a/data/x')).toBe('operator');
    expect(fleetForwardRole('POST', '/api/v1/components/amr/apps/amr__a/operations/x/executions')).toBe('operator');
    expect(fleetForwardRole('PUT', '/api/v1/components/amr/apps/amr__a/configurations/x')).toBe('configurator');
    expect(fleetForwardRole('PUT', '/api/v1/components/amr/apps/amr__a/other/x')).toBe('admin');
    expect(fleetForwardRole('GET', '/api/v1/components/amr/apps/amr__a/bulk-data/rosbags/f')).toBe('viewer');
    expect(fleetForwardRole('DELETE', '/api/v1/components/amr/apps/amr__a/faults/X')).toBe('operator');
    expect(fleetForwardRole('DELETE', '/api/v1/components/amr/apps/amr__a/bulk-data/calibration/f')).toBe('operator');
  });
});
