// Re-addressing a robot's own API paths into the fleet's id space, as fault details forwarded from a robot
// need for their recording links; links that are not one entity's path, or that climb, are dropped.
import { describe, expect, it } from 'vitest';
import { fleetPathOf, rewriteFaultBody } from '../src/http/robot-paths.js';

describe('robot paths in the fleet', () => {
  it('re-addresses an entity path under the robot component with the prefixed id', () => {
    expect(fleetPathOf('amr-7', '/api/v1/apps/lidar/bulk-data/rosbags/fault_X_1')).toBe('/api/v1/components/amr-7/apps/amr-7__lidar/bulk-data/rosbags/fault_X_1');
    expect(fleetPathOf('amr-7', '/api/v1/areas/base')).toBe('/api/v1/components/amr-7/areas/amr-7__base');
  });

  it('refuses paths that are not one entity\'s, or that climb', () => {
    for (const bad of ['/api/v1/faults/X', '/etc/passwd', 'http://evil/api/v1/apps/a/bulk-data', '/api/v1/apps/../bulk-data', '/api/v1/apps/a/%2e%2e/%2e%2e/x', '/api/v1/apps/a/bulk-data?x=1', '/api/v1/apps/a\\..\\b/x']) {
      expect([bad, fleetPathOf('r', bad)]).toEqual([bad, undefined]);
    }
  });

  it('rewrites the recording links of a detail and of list items, dropping links it cannot re-address', () => {
    const detail = { item: { code: 'X' }, environment_data: { snapshots: [{ type: 'freeze_frame', data: 1 }, { type: 'rosbag', bulk_data_uri: '/api/v1/apps/a/bulk-data/rosbags/r1' }, { type: 'rosbag', bulk_data_uri: '/api/v1/apps/../x' }] } };
    rewriteFaultBody('r', detail);
    expect(detail.environment_data.snapshots).toEqual([{ type: 'freeze_frame', data: 1 }, { type: 'rosbag', bulk_data_uri: '/api/v1/components/r/apps/r__a/bulk-data/rosbags/r1' }, { type: 'rosbag' }]);
    const list = { items: [{ environment_data: { snapshots: [{ bulk_data_uri: '/api/v1/components/c/bulk-data/rosbags/r2' }] } }, 'junk', null] };
    rewriteFaultBody('r', list);
    expect(list.items[0]).toEqual({ environment_data: { snapshots: [{ bulk_data_uri: '/api/v1/components/r/components/r__c/bulk-data/rosbags/r2' }] } });
    // The reference's form (under the API base) stays in that form.
    const reference = { environment_data: { snapshots: [{ type: 'rosbag', bulk_data_uri: '/apps/a/bulk-data/rosbags/r1' }, { type: 'rosbag', bulk_data_uri: '/apps/%2e%2e/x' }] } };
    rewriteFaultBody('r', reference);
    expect(reference.environment_data.snapshots).toEqual([{ type: 'rosbag', bulk_data_uri: '/components/r/apps/r__a/bulk-data/rosbags/r1' }, { type: 'rosbag' }]);
    for (const junk of [null, 'x', 42, [], { environment_data: 'no' }, { environment_data: { snapshots: 'no' } }]) expect(() => rewriteFaultBody('r', junk)).not.toThrow();
  });
});
