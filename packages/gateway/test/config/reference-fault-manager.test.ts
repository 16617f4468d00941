// The reference fault manager's complete-example parameter file (fixtures/reference-fault-manager.yaml),
// given to medkit as a migrating user has it, next to the gateway's own parameter file
// (`--config gateway_params.yaml --config fault_manager.yaml`): every key is applied, each setting is
// named with the file it came from, an unsupported key is named in a warning, and debounce, per-entity
// thresholds, snapshots, the black box and correlation all take effect on a live gateway.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConfigOrigins, loadConfig, type GatewayConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { FAULTS_SERVICE, type FaultsService } from '../../src/faults/gateway/service.js';
import { testDomain } from '../../../../test-support/domains.js';
import { buildRos2 } from '../../../../test-support/gateway/ros-robot.js';
import { until } from '../../../../test-support/gateway/faults-gateway.js';
import { startSafetySignals, type SafetySignals } from '../faults/safety-signals.js';

const REFERENCE = fileURLToPath(new URL('./fixtures/reference-fault-manager.yaml', import.meta.url));
const DOMAIN = testDomain(200);
const root = mkdtempSync(join(tmpdir(), 'medkit-reference-fm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The gateway's own parameter file, in the reference gateway's layout. */
function gatewayParams(): string {
  const file = join(root, 'gateway_params.yaml');
  writeFileSync(file, 'ros2_medkit_gateway:\n  ros__parameters:\n    server:\n      host: "127.0.0.1"\n    cors:\n      allowed_origins: ["http://localhost:*"]\n');
  return file;
}

describe('the reference fault-manager file, as it is', () => {
  it('maps every key onto medkit without a warning and says which file each setting came from', () => {
    const gw = gatewayParams();
    const c = loadConfig({ configFiles: [gw, REFERENCE], env: {}, extraKeys: FEATURE_KEYS });
    expect(c.adjustments).toEqual([]);
    const expected: Record<string, unknown> = {
      'faults.storage_type': 'sqlite',
      'faults.database_path': '/var/lib/ros2_medkit/faults.db',
      'faults.confirmation_threshold': -3,
      'faults.healing_enabled': true,
      'faults.healing_threshold': 3,
      'faults.auto_confirm_after_sec': 30,
      'faults.entity_thresholds.config_file': '/etc/ros2_medkit/entity_thresholds.yaml',
      'faults.snapshots.enabled': true,
      'faults.snapshots.background_capture': true,
      'faults.snapshots.timeout_sec': 2,
      'faults.snapshots.max_message_size': 131072,
      'faults.snapshots.default_topics': ['/diagnostics', '/rosout'],
      'faults.snapshots.config_file': '/etc/ros2_medkit/snapshot_config.yaml',
      'faults.snapshots.rosbag.enabled': true,
      'faults.snapshots.rosbag.duration_sec': 10,
      'faults.snapshots.rosbag.duration_after_sec': 2,
      'faults.snapshots.rosbag.topics': 'config',
      'faults.snapshots.rosbag.max_bag_size_mb': 100,
      'faults.snapshots.rosbag.max_total_storage_mb': 1000,
      'faults.snapshots.rosbag.auto_cleanup': true,
      'faults.correlation.config_file': '/etc/ros2_medkit/correlation_rules.yaml',
      'faults.correlation.cleanup_interval_sec': 10,
    };
    for (const [key, value] of Object.entries(expected)) {
      expect(c.effective(key), key).toEqual(value);
      expect(c.origins.get(key), key).toMatchObject({ source: 'file', file: REFERENCE, written: `fault_manager.${key.slice('faults.'.length)}` });
    }
    expect(c.get('server.host')).toBe('127.0.0.1');
    expect(c.origins.get('server.host')).toMatchObject({ source: 'file', file: gw });
    const lines = describeConfigOrigins(c);
    expect(lines).toContain(`settings from ${gw}:`);
    expect(lines).toContain(`settings from ${REFERENCE}:`);
    expect(lines).toContain('  faults.confirmation_threshold = -3  (as fault_manager.confirmation_threshold)');
    expect(lines).toContain('  faults.snapshots.rosbag.enabled = true  (as fault_manager.snapshots.rosbag.enabled)');
  });

  it('does not print the value of a credential when naming where it came from', () => {
    const c = loadConfig({ env: {}, extraKeys: FEATURE_KEYS, flags: { 'auth.jwt_secret': 'do-not-print-me-0123456789abcdef' } });
    const lines = describeConfigOrigins(c);
    expect(lines).toContain('  auth.jwt_secret = (hidden)');
    expect(lines.join('\n')).not.toContain('do-not-print-me');
  });

  it('names a key medkit does not support in a warning, with its file, instead of dropping it silently', () => {
    const file = join(root, 'fm-extra.yaml');
    writeFileSync(file, '/robot1/fault_manager:\n  ros__parameters:\n    use_sim_time: true\n    snapshots:\n      rosbag:\n        compression: zstd\n    confirmation_threshold: -2\n');
    const c = loadConfig({ configFiles: [file], env: {}, extraKeys: FEATURE_KEYS });
    expect(c.effective('faults.confirmation_threshold')).toBe(-2);
    const unknown = c.adjustments.filter((a) => a.action === 'unknown').map((a) => a.message);
    expect(unknown).toEqual([
      `configuration key '/robot1/fault_manager.use_sim_time' (medkit key 'faults.use_sim_time') in ${file} is not supported by medkit; ignored`,
      `configuration key '/robot1/fault_manager.snapshots.rosbag.compression' (medkit key 'faults.snapshots.rosbag.compression') in ${file} is not supported by medkit; ignored`,
    ]);
  });
});

describe('launch substitutions in a parameter file (the reference 0.7.0, #634)', () => {
  it('expands env, optenv, find-pkg-share, find-pkg-prefix and dirname; refuses what it cannot expand, naming the file', () => {
    const prefix = join(root, 'install');
    mkdirSync(join(prefix, 'share', 'my_robot_config'), { recursive: true });
    const file = join(root, 'fm-substs.yaml');
    writeFileSync(
      file,
      'fault_manager:\n  ros__parameters:\n' +
        '    database_path: "$(env ROBOT_DATA)/faults.db"\n' +
        '    correlation:\n      config_file: "$(find-pkg-share my_robot_config)/correlation.yaml"\n' +
        '    entity_thresholds:\n      config_file: "$(dirname)/thresholds.yaml"\n' +
        '    snapshots:\n      rosbag:\n        storage_path: "$(optenv ROBOT_BAGS $(env ROBOT_DATA)/bags)"\n' +
        '    audit_log:\n      database_path: "$(env AUDIT_DIR /var/lib/audit)/audit.db"\n',
    );
    const c = loadConfig({ configFiles: [file], env: { ROBOT_DATA: '/data/robot', AMENT_PREFIX_PATH: `/nowhere:${prefix}` }, extraKeys: FEATURE_KEYS });
    expect(c.effective('faults.database_path')).toBe('/data/robot/faults.db');
    expect(c.effective('faults.correlation.config_file')).toBe(join(prefix, 'share', 'my_robot_config', 'correlation.yaml'));
    expect(c.effective('faults.entity_thresholds.config_file')).toBe(join(root, 'thresholds.yaml'));
    expect(c.effective('faults.snapshots.rosbag.storage_path')).toBe('/data/robot/bags');
    expect(c.effective('faults.audit_log.database_path')).toBe('/var/lib/audit/audit.db');

    const unset = join(root, 'fm-unset.yaml');
    writeFileSync(unset, 'fault_manager:\n  ros__parameters:\n    database_path: "$(env NO_SUCH_VAR)/faults.db"\n');
    expect(() => loadConfig({ configFiles: [unset], env: {}, extraKeys: FEATURE_KEYS })).toThrow(/fm-unset\.yaml.*\$\(env NO_SUCH_VAR\).*not set/);
    const other = join(root, 'fm-var.yaml');
    writeFileSync(other, 'fault_manager:\n  ros__parameters:\n    database_path: "$(var data_dir)/faults.db"\n');
    expect(() => loadConfig({ configFiles: [other], env: {}, extraKeys: FEATURE_KEYS })).toThrow(/\$\(var data_dir\)/);
  });
});

describe('a gateway started with the reference file', () => {
  let gateway: Gateway;
  let config: GatewayConfig;
  let url: string;
  let faults: FaultsService;
  let gate: SafetySignals | undefined;
  // The file is used as it is; only the filesystem it points into is this test's own: its absolute
  // paths (/etc/ros2_medkit/..., /var/lib/ros2_medkit/...) are placed under a temporary root.
  const fsRoot = join(root, 'fs');
  const relocated = join(root, 'fault_manager.yaml');

  const api = async (path: string) => {
    const res = await fetch(`${url}/api/v1${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  const report = (code: string, source: string, type: 0 | 1 = 0, severity = 2) =>
    faults.report({ fault_code: code, event_type: type, severity, description: '', source_id: source });
  const status = (code: string) => faults.manager.getFault(code)?.status;

  beforeAll(async () => {
    buildRos2();
    mkdirSync(join(fsRoot, 'etc/ros2_medkit'), { recursive: true });
    writeFileSync(relocated, readFileSync(REFERENCE, 'utf8').replaceAll('"/etc/ros2_medkit/', `"${fsRoot}/etc/ros2_medkit/`).replaceAll('"/var/lib/ros2_medkit/', `"${fsRoot}/var/lib/ros2_medkit/`));
    writeFileSync(join(fsRoot, 'etc/ros2_medkit/entity_thresholds.yaml'), '/sensors/lidar:\n  confirmation_threshold: -1\n');
    writeFileSync(join(fsRoot, 'etc/ros2_medkit/snapshot_config.yaml'),
      'fault_specific:\n  PROTECTIVE_STOP:\n    - /safety/safety_gate/commanded_vx\n    - /safety/safety_gate/min_range_m\n    - /safety/safety_gate/stop_threshold_m\n');
    writeFileSync(join(fsRoot, 'etc/ros2_medkit/correlation_rules.yaml'),
      'correlation:\n  enabled: true\n  rules:\n    - id: estop_cascade\n      root_cause: { codes: ["ESTOP"] }\n      symptoms: [ { codes: ["MOTOR_*"] } ]\n      window_ms: 5000\n');
    config = loadConfig({
      configFiles: [gatewayParams(), relocated],
      env: {},
      extraKeys: FEATURE_KEYS,
      flags: { data_dir: join(root, 'data'), 'logging.level': 'silent', 'ros.domain_id': DOMAIN, 'ros.localhost_only': true, 'discovery.mode': 'runtime_only' },
    });
    gateway = await createGateway({ config, features: defaultFeatures(config) });
    url = await gateway.listen(0);
    faults = gateway.ctx.services.get(FAULTS_SERVICE);
  }, 120_000);

  afterAll(async () => {
    await gate?.stop();
    await gateway?.close();
  });

  it('stores faults in its database_path', () => {
    report('STORED', '/some/node');
    expect(existsSync(join(fsRoot, 'var/lib/ros2_medkit/faults.db'))).toBe(true);
  });

  it('debounces: three FAILED reports confirm, and healing takes three net PASSED', () => {
    report('DEBOUNCED', '/drive/motor_left');
    report('DEBOUNCED', '/drive/motor_left');
    expect(status('DEBOUNCED')).toBe('PREFAILED');
    report('DEBOUNCED', '/drive/motor_left');
    expect(status('DEBOUNCED')).toBe('CONFIRMED');
    for (let i = 0; i < 5; i++) report('DEBOUNCED', '/drive/motor_left', 1);
    expect(status('DEBOUNCED')).toBe('CONFIRMED');
    report('DEBOUNCED', '/drive/motor_left', 1);
    expect(status('DEBOUNCED')).toBe('HEALED');
  });

  it('applies the per-entity thresholds file: one FAILED from /sensors/lidar confirms', () => {
    report('LIDAR_BLIND', '/sensors/lidar/front');
    expect(status('LIDAR_BLIND')).toBe('CONFIRMED');
  });

  it('correlates with the rules file: a motor symptom after ESTOP is muted', async () => {
    report('ESTOP', '/safety/estop', 0, 3);
    report('MOTOR_STALL', '/drive/motor_left', 0, 3);
    const list = (await api('/faults')).body;
    expect(list.items.map((f: any) => f.fault_code)).not.toContain('MOTOR_STALL');
    expect(list['x-medkit'].muted_count).toBe(1);
  });

  it('captures the configured snapshot topics and records them in the black box (MCAP)', async () => {
    const gated = startSafetySignals(DOMAIN);
    gate = gated;
    await until(() => (/reported/.test(gated.stdout()) ? true : undefined), 'PROTECTIVE_STOP reported over ROS', 60_000);
    const snaps = await until(async () => {
      const s = (await api('/faults/PROTECTIVE_STOP')).body?.environment_data?.snapshots as any[] | undefined;
      return s?.some((x) => x.type === 'rosbag') && s.some((x) => x.type === 'freeze_frame') ? s : undefined;
    }, 'freeze frame and recording of PROTECTIVE_STOP', 30_000);
    // One freeze frame of the configured signals (snapshot config file), each with its recent history.
    const frames = snaps.filter((s) => s.type === 'freeze_frame');
    expect(frames).toHaveLength(1);
    expect(Object.keys(frames[0].data).sort()).toEqual(['commanded_vx', 'min_range_m', 'stop_threshold_m']);
    const bag = snaps.find((s) => s.type === 'rosbag');
    expect(bag).toMatchObject({ format: 'mcap' });
    expect(bag.size_bytes).toBeGreaterThan(0);
    // duration_after_sec 2.0: the recording stayed open after the fault.
    expect(bag.duration_sec).toBeGreaterThanOrEqual(2);
  });
});
