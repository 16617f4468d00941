// The file name a token-authorised download is saved under (ui/download-link.tsx).
import { describe, expect, it } from 'vitest';
import { downloadName } from '../src/ui/download-link';

describe('downloadName', () => {
  it("takes the gateway's Content-Disposition name, else the path's last segment", () => {
    expect(downloadName('attachment; filename="lidar_intrinsics.yaml"', '/apps/a/bulk-data/calibration/calibration_1')).toBe('lidar_intrinsics.yaml');
    expect(downloadName("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.mcap", '/x')).toBe('résumé.mcap');
    expect(downloadName(null, '/apps/a/bulk-data/rosbags/fault_X_1')).toBe('fault_X_1');
  });

  it('never yields a path or an empty name from a hostile header', () => {
    expect(downloadName('attachment; filename="../../etc/passwd"', '/x')).toBe('.._.._etc_passwd');
    expect(downloadName("attachment; filename*=UTF-8''%2Ftmp%2Fx", '/x')).toBe('_tmp_x');
    expect(downloadName('attachment; filename="%E0%A4%A"', '/x')).toBe('%E0%A4%A');
    expect(downloadName(`attachment; filename="${'a'.repeat(1000)}"`, '/x')).toHaveLength(255);
    expect(downloadName(null, '/')).toBe('download');
  });
});
