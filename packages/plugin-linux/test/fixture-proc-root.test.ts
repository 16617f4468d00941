// The Linux introspection plugins against fixture proc_root trees (docs/introspection.md): parsers, the
// command-line → node map (with its bounds and hostile contents), the process-id hint seam, CPU percentage
// from two samples, cgroup v2 container detection, and systemctl with a deadline and bounded output.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFqnsFromArgs } from '../src/ros-cmdline.js';
import { parseStat, parseStatus } from '../src/proc-parse.js';
import { domainsFromArgs, PidMap, rosDomainFromEnviron } from '../src/pid-map.js';
import { readIntrospectionSettings } from '../src/settings.js';
import { CpuTracker } from '../src/cpu-tracker.js';
import { ProcessReader } from '../src/process-info.js';
import { containerOfCgroup, parseCpuMax } from '../src/container-plugin.js';
import { SystemdPlugin, unitOfCgroup } from '../src/systemd-plugin.js';
import { procfsModule } from '../src/procfs-plugin.js';
import { FILE_READ_DEADLINE_MS, ProcReadTimeoutError, readBounded } from '../src/proc-files.js';
import type { PluginContext } from '@medkit/plugin-api';
import { ProcessIdHints } from '@medkit/gateway';
import { readPluginSettings } from '@medkit/gateway';
import { BUILTIN_PLUGINS } from '@medkit/cli';
import type { App } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';
import { FixtureProc } from '../../../test-support/fixture-proc.js';

const app = (id: string, node_name: string, namespace = '/'): App => ({ id, name: id, ros_binding: { node_name, namespace }, is_online: false, depends_on: [], topics: { publish: [], subscribe: [] }, services: [], actions: [] }) as unknown as App;

describe('command-line node names', () => {
  it('reads __node/__ns, the old __name and node-targeted remaps', () => {
    expect(nodeFqnsFromArgs(['/opt/x/talker', '--ros-args', '-r', '__node:=talker', '-r', '__ns:=/demo'])).toEqual(['/demo/talker']);
    expect(nodeFqnsFromArgs(['talker', '__name:=t2'])).toEqual(['/t2']);
    expect(nodeFqnsFromArgs(['node', 'robot.js', '--ros-args', '-r', 'lidar:__ns:=/sensors', '-r', 'motor:__node:=motor_controller', '-r', 'motor:__ns:=/base/'])).toEqual(['/sensors/lidar', '/base/motor_controller']);
    expect(nodeFqnsFromArgs(['python3', 'x.py'])).toEqual([]);
  });

  it('ignores invalid names and caps the nodes of one process', () => {
    expect(nodeFqnsFromArgs(['__node:=bad-name', '__node:=1x', '__ns:=//a b'])).toEqual([]);
    expect(nodeFqnsFromArgs(['__node:=' + 'a'.repeat(300)])).toEqual([]);
    const many = Array.from({ length: 500 }, (_, i) => `n${i}:__ns:=/x`);
    expect(nodeFqnsFromArgs(many)).toHaveLength(64);
  });
});

describe('proc file parsers', () => {
  it('parses a stat line whose comm holds spaces and parentheses', () => {
    const s = parseStat('42 (my (odd) proc) R 7 0 0 0 -1 0 0 0 0 0 150 25 0 0 20 0 6 0 12345 1000 100 0\n');
    expect(s).toMatchObject({ pid: 42, comm: 'my (odd) proc', state: 'R', ppid: 7, utime: 150, stime: 25, numThreads: 6, startTime: 12345 });
  });

  it('refuses malformed stat lines instead of reporting garbage', () => {
    expect(() => parseStat('42 no-parens R 1')).toThrow();
    expect(() => parseStat('42 (x) R 7 0 0')).toThrow(/too few/);
    expect(() => parseStat('42 (x) R 7 0 0 0 -1 0 0 0 0 0 1e308 25 0 0 20 0 6 0 1 1 1')).toThrow(/bad number/);
  });

  it('reads VmRSS/VmSize in bytes and null when absent (a zombie)', () => {
    expect(parseStatus('VmSize:\t  2048 kB\nVmRSS:\t 1024 kB\nThreads:\t3\n')).toMatchObject({ rssBytes: 1024 * 1024, vmSizeBytes: 2048 * 1024, threads: 3 });
    expect(parseStatus('Name:\tz\nThreads:\t1\n')).toMatchObject({ rssBytes: null, vmSizeBytes: null });
  });
});

describe('the process map over a fixture proc_root', () => {
  let proc: FixtureProc;
  afterEach(() => proc?.remove());

  it('maps Apps by their node FQN; a hint wins; the later-started of two claimants wins', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 100, cmdline: ['/bin/sh', '-c', 'talker __node:=talker __ns:=/demo'], startTime: 10 });
    proc.add({ pid: 101, cmdline: ['talker', '__node:=talker', '__ns:=/demo'], startTime: 20 });
    proc.add({ pid: 102, cmdline: ['listener', '--ros-args', '-r', '__node:=listener'] });
    const hints = new ProcessIdHints();
    const map = new PidMap(readIntrospectionSettings({ proc_root: proc.root }), hints);
    expect(await map.lookup(app('talker', 'talker', '/demo'))).toEqual({ pid: 101, source: 'cmdline', domain: 'unknown' });
    expect(await map.lookup(app('listener', 'listener'))).toEqual({ pid: 102, source: 'cmdline', domain: 'unknown' });
    expect(await map.lookup(app('ghost', 'ghost'))).toBeUndefined();
    hints.set('topic_beacon', new Map([['ghost', 102], ['bad', -1], ['huge', 2 ** 40]]));
    expect(await map.lookup(app('ghost', 'ghost'))).toEqual({ pid: 102, source: 'hint' });
    expect(await map.lookup(app('bad', 'bad'))).toBeUndefined();
    expect(await map.lookup(app('huge', 'huge'))).toBeUndefined();
    hints.set('topic_beacon', new Map());
    expect(await map.lookup(app('ghost', 'ghost'))).toBeUndefined();
  });

  it('maps only processes on the gateway\'s ROS domain: another robot on the host never lends its PIDs (issue 56)', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 200, cmdline: ['robot', 'safety_gate:__node:=safety_gate', 'planner:__node:=planner'], environ: { ROS_DOMAIN_ID: '150', HOME: '/root' }, startTime: 90 });
    proc.add({ pid: 201, cmdline: ['robot', 'safety_gate:__node:=safety_gate'], environ: { ROS_DOMAIN_ID: '42' }, startTime: 10 });
    proc.add({ pid: 202, cmdline: ['talker', '__node:=talker'], environ: { PATH: '/usr/bin' } });
    proc.add({ pid: 203, cmdline: ['lister', '__node:=lister'] });
    proc.add({ pid: 204, cmdline: ['odd', '__node:=odd'], environ: { ROS_DOMAIN_ID: 'x1' } });
    // A process on two domains (a bridge): its default is another, its command line names ours.
    proc.add({ pid: 205, cmdline: ['bridge', '--domain', '42', '--island-domain', '43', 'link:__node:=link'], environ: { ROS_DOMAIN_ID: '43' } });
    const map = new PidMap(readIntrospectionSettings({ proc_root: proc.root }), undefined, undefined, () => 42);
    // The later-started claimant is on domain 150: it is not this robot's, the domain-42 one is.
    expect(await map.lookup(app('safety_gate', 'safety_gate'))).toEqual({ pid: 201, source: 'cmdline', domain: 'same' });
    expect(await map.lookup(app('planner', 'planner'))).toBeUndefined();
    // No ROS_DOMAIN_ID is ROS's default, 0: another domain than 42.
    expect(await map.lookup(app('talker', 'talker'))).toBeUndefined();
    // An environment that cannot be read (no file here), or a value that is no domain: kept, marked unknown.
    expect(await map.lookup(app('lister', 'lister'))).toEqual({ pid: 203, source: 'cmdline', domain: 'unknown' });
    expect(await map.lookup(app('odd', 'odd'))).toEqual({ pid: 204, source: 'cmdline', domain: 'unknown' });
    expect(await map.lookup(app('link', 'link'))).toEqual({ pid: 205, source: 'cmdline', domain: 'same' });
    expect(map.otherDomain).toBe(3);
    expect(domainsFromArgs(['x', '--domain=7', '--domain-id', '9', '--domain', 'abc'])).toEqual([7, 9]);
    expect(rosDomainFromEnviron(Buffer.from('A=1\0ROS_DOMAIN_ID=7\0'))).toBe(7);
    expect(rosDomainFromEnviron(Buffer.from('A=1\0'))).toBe(0);
    expect(rosDomainFromEnviron(Buffer.from('ROS_DOMAIN_ID=99999\0'))).toBeUndefined();
  });

  it('reads at most max_processes command lines and max_cmdline_bytes of each', async () => {
    proc = new FixtureProc();
    for (let pid = 1; pid <= 20; pid++) proc.add({ pid, cmdline: ['n', `__node:=n${pid}`] });
    // The node name sits past the first 64 bytes: a bounded read never sees it.
    proc.add({ pid: 50, cmdline: ['x'.repeat(100), '__node:=far'] });
    const map = new PidMap(readIntrospectionSettings({ proc_root: proc.root, max_processes: 5, max_cmdline_bytes: 64 }), undefined);
    await map.refresh();
    expect(map.truncated).toBe(true);
    let found = 0;
    for (let pid = 1; pid <= 20; pid++) if (await map.lookup(app(`n${pid}`, `n${pid}`))) found++;
    expect(found).toBeLessThanOrEqual(5);
    const wide = new PidMap(readIntrospectionSettings({ proc_root: proc.root, max_cmdline_bytes: 64 }), undefined);
    expect(await wide.lookup(app('far', 'far'))).toBeUndefined();
    expect(await wide.lookup(app('n7', 'n7'))).toEqual({ pid: 7, source: 'cmdline', domain: 'unknown' });
  });

  it('survives hostile command lines (binary junk, a huge file)', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 7, cmdline: Buffer.from([0xff, 0xfe, 0, 0x5f, 0x5f, 0, 0]) });
    proc.add({ pid: 8, cmdline: Buffer.alloc(4 << 20, 0x41) });
    proc.add({ pid: 9, cmdline: ['ok', '__node:=ok'] });
    const map = new PidMap(readIntrospectionSettings({ proc_root: proc.root }), undefined);
    expect(await map.lookup(app('ok', 'ok'))).toEqual({ pid: 9, source: 'cmdline', domain: 'unknown' });
  });
});

describe('process readings', () => {
  let proc: FixtureProc;
  afterEach(() => proc?.remove());

  it('reports memory, threads, ticks, fds, uptime and a CPU percentage from two samples ≥ 1 s apart', async () => {
    proc = new FixtureProc(1000);
    proc.add({ pid: 300, cmdline: ['node', 'a.js', '__node:=a'], utime: 100, stime: 50, threads: 7, rssKb: 5000, vmSizeKb: 90000, fds: 12, startTime: 40_000, exe: '/usr/bin/node' });
    let now = 0;
    const cpu = new CpuTracker(() => 100, () => now);
    const reader = new ProcessReader(readIntrospectionSettings({ proc_root: proc.root }), cpu, () => 100, () => Date.parse('2026-01-01T00:10:00Z'));
    const first = await reader.read(300);
    expect(first).toMatchObject({ pid: 300, ppid: 1, exe: '/usr/bin/node', cmdline: 'node a.js __node:=a', rss_bytes: 5000 * 1024, vm_size_bytes: 90000 * 1024, threads: 7, cpu_user_ticks: 100, cpu_system_ticks: 50, cpu_percent: null, fd_count: 12, uptime_seconds: 600 });
    expect(first.start_time).toBe('2026-01-01T00:00:00.000Z');
    // 0.5 s later: too close for a new figure, still null.
    now = 500;
    proc.set({ pid: 300, utime: 140, stime: 60, startTime: 40_000 });
    expect((await reader.read(300)).cpu_percent).toBeNull();
    // 2 s after the baseline (150 ticks): 100 more ticks at 100 Hz = 1 s of CPU in 2 s = 50 %.
    now = 2000;
    proc.set({ pid: 300, utime: 180, stime: 70, startTime: 40_000 });
    expect((await reader.read(300)).cpu_percent).toBe(50);
    // Within 1 s of that: the last figure again.
    now = 2500;
    expect((await reader.read(300)).cpu_percent).toBe(50);
    // The pid is reused by another process (new start time): back to null.
    now = 5000;
    proc.set({ pid: 300, utime: 1, stime: 0, startTime: 90_000 });
    expect((await reader.read(300)).cpu_percent).toBeNull();
  });

  it('answers 404 pid-lookup-failed for a gone process and 503 proc-read-failed for an unreadable one', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 5 });
    writeFileSync(join(proc.root, 'proc/5/stat'), 'garbage');
    const reader = new ProcessReader(readIntrospectionSettings({ proc_root: proc.root }), new CpuTracker(() => 100), () => 100);
    await expect(reader.read(6)).rejects.toMatchObject({ code: 'x-medkit-pid-lookup-failed', status: 404 });
    await expect(reader.read(5)).rejects.toMatchObject({ code: 'x-medkit-proc-read-failed', status: 503 });
  });
});

describe('an introspection pass on a slow /proc', () => {
  let proc: FixtureProc;
  let release: (() => void) | undefined;
  afterEach(() => {
    release?.();
    proc?.remove();
  });

  /** Makes /proc/<pid>/status a named pipe: opening it blocks (like a read held by the target's mmap lock) until released. */
  function blockStatus(pid: number): () => void {
    const path = join(proc.root, 'proc', String(pid), 'status');
    rmSync(path);
    execFileSync('mkfifo', [path]);
    // Opening the write end lets the blocked open return; closing it gives the reader EOF.
    return () => closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  }

  it('answers within introspect_budget_ms; an App not read in time keeps its last reading, and the reads go on', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 610, cmdline: ['a', '__node:=a'], threads: 3 });
    proc.add({ pid: 611, cmdline: ['b', '__node:=b'], threads: 5 });
    const plugin = procfsModule().createPlugin() as unknown as { configure(c: object): Promise<void>; introspect(i: object): Promise<{ metadata?: Record<string, { threads?: number }> }> };
    await plugin.configure({ proc_root: proc.root, introspect_budget_ms: 300, pid_cache_ttl_seconds: 0 });
    const input = { areas: [], components: [], apps: [app('a', 'a'), app('b', 'b')], functions: [] };
    const first = await plugin.introspect(input);
    expect(first.metadata?.a?.threads).toBe(3);
    expect(first.metadata?.b?.threads).toBe(5);

    proc.set({ pid: 610, cmdline: ['a', '__node:=a'], threads: 4 });
    proc.set({ pid: 611, cmdline: ['b', '__node:=b'], threads: 6 });
    release = blockStatus(611);
    // The pass answers although b's read hangs until released (it would otherwise hold the pass, and the gateway
    // would drop every App's metadata at its deadline): a is fresh, b is its reading of the first pass.
    const second = await plugin.introspect(input);
    expect(second.metadata?.a?.threads).toBe(4);
    expect(second.metadata?.b?.threads).toBe(5);
    // Past the file read deadline b's process counts as unreadable now (no metadata), as it would if it failed.
    await vi.waitFor(async () => expect((await plugin.introspect(input)).metadata?.b).toBeUndefined(), { timeout: 3 * FILE_READ_DEADLINE_MS });
    expect((await plugin.introspect(input)).metadata?.a?.threads).toBe(4);

    // The blocked read ends and the process's status is readable again: the next passes read b afresh.
    release();
    release = undefined;
    rmSync(join(proc.root, 'proc/611/status'));
    proc.set({ pid: 611, cmdline: ['b', '__node:=b'], threads: 7 });
    await vi.waitFor(async () => expect((await plugin.introspect(input)).metadata?.b?.threads).toBe(7), { timeout: 5000 });
  });

  it('takes introspect_budget_ms only as a number of ms within 50..600000, else clamps it or keeps 2500', () => {
    const budget = (v: unknown) => readIntrospectionSettings({ introspect_budget_ms: v }).introspectBudgetMs;
    expect(budget(undefined)).toBe(2500);
    expect(budget(1e300)).toBe(600_000);
    expect(budget(Number.POSITIVE_INFINITY)).toBe(2500);
    expect(budget(-5)).toBe(50);
    expect(budget('9'.repeat(400))).toBe(2500); // no finite number
    expect(budget('abc')).toBe(2500);
    expect(budget({ ms: 1 })).toBe(2500);
    expect(budget(300.7)).toBe(300);
  });

  it('fails a file read past its deadline, and fails the same file at once until that read has ended', async () => {
    proc = new FixtureProc();
    proc.add({ pid: 620 });
    release = blockStatus(620);
    const path = join(proc.root, 'proc/620/status');
    await expect(readBounded(path, 1024)).rejects.toBeInstanceOf(ProcReadTimeoutError);
    // Not a second blocked open (each would hold a thread of the pool for good): refused at once.
    await expect(readBounded(path, 1024)).rejects.toThrow(/earlier read has not ended/);
    // The read ends when the pipe gets a writer; the file is a plain one again from then on (a pipe would block anew).
    release();
    release = undefined;
    rmSync(path);
    writeFileSync(path, 'Name:\tnode\n');
    await vi.waitFor(async () => expect((await readBounded(path, 1024)).data.toString()).toBe('Name:\tnode\n'));
  });
});

describe('cgroup v2 paths', () => {
  const hex = 'a'.repeat(64);
  it('recognises docker, podman, containerd and CRI-O containers, and nothing else', () => {
    expect(containerOfCgroup(`/docker/${hex}`)).toEqual({ id: hex, runtime: 'docker' });
    expect(containerOfCgroup(`/system.slice/docker-${hex}.scope`)).toEqual({ id: hex, runtime: 'docker' });
    expect(containerOfCgroup(`/machine.slice/libpod-${hex}.scope/container`)).toEqual({ id: hex, runtime: 'podman' });
    expect(containerOfCgroup(`/kubepods.slice/kubepods-pod1.slice/cri-containerd-${hex}.scope`)).toEqual({ id: hex, runtime: 'containerd' });
    expect(containerOfCgroup('/user.slice/user-1000.slice/session-1.scope')).toBeUndefined();
    expect(containerOfCgroup(`/docker/${hex.slice(1)}`)).toBeUndefined();
  });
  it('finds the systemd unit, system or user manager', () => {
    expect(unitOfCgroup('/system.slice/nginx.service')).toEqual({ unit: 'nginx.service', manager: 'system' });
    expect(unitOfCgroup('/user.slice/user-1000.slice/user@1000.service/app.slice/robot.service')).toEqual({ unit: 'robot.service', manager: 'user', uid: 1000 });
    expect(unitOfCgroup('/user.slice/user-1000.slice/session-3.scope')).toEqual({ unit: 'session-3.scope', manager: 'system' });
    expect(unitOfCgroup('/')).toBeUndefined();
    expect(unitOfCgroup('/system.slice/-rf.service')).toBeUndefined();
  });
  it('reads cpu.max', () => {
    expect(parseCpuMax('max 100000\n')).toEqual({ quota: null, period: 100000 });
    expect(parseCpuMax('50000 100000')).toEqual({ quota: 50000, period: 100000 });
    expect(parseCpuMax('junk')).toEqual({ quota: null, period: null });
  });
});

// The three plugins enabled by name (built-ins need no path), over one fixture tree, through HTTP.
describe('the built-in plugins in a gateway over a fixture proc_root', () => {
  const hex = 'b'.repeat(64);
  let proc: FixtureProc;
  let g: TestGateway;
  let manifestDir: FixtureProc;
  beforeAll(async () => {
    proc = new FixtureProc(2000);
    proc.add({ pid: 400, cmdline: ['/usr/bin/talker', '--ros-args', '-r', '__node:=talker', '-r', '__ns:=/demo'], rssKb: 3000, threads: 4, fds: 9, cgroup: `/system.slice/docker-${hex}.scope` });
    proc.add({ pid: 401, cmdline: ['/usr/bin/multi', '--ros-args', '-r', 'a:__ns:=/demo', '-r', 'b:__ns:=/demo'], cgroup: '/system.slice/robot.service' });
    proc.cgroup(`/system.slice/docker-${hex}.scope`, { 'memory.current': '1048576\n', 'memory.max': '536870912\n', 'cpu.max': '50000 100000\n', 'cpu.stat': 'usage_usec 123456\nuser_usec 1\n', 'pids.current': '4\n', 'pids.max': 'max\n' });
    // A fake systemctl: "not booted" for the probe when FAKE_NOT_BOOTED exists, else properties.
    const systemctl = join(proc.root, 'systemctl');
    writeFileSync(systemctl, `#!/bin/sh\nfor a in "$@"; do case "$a" in --property=Version) echo Version=255; exit 0;; esac; done\necho Id=robot.service\necho ActiveState=active\necho SubState=running\necho NRestarts=3\necho WatchdogUSec=0\n`);
    chmodSync(systemctl, 0o755);
    manifestDir = new FixtureProc();
    const manifest = join(manifestDir.root, 'robot.yaml');
    writeFileSync(
      manifest,
      [
        'manifest_version: "1.0"',
        'components:',
        '  - { id: computer, name: Computer }',
        'apps:',
        '  - { id: talker, name: Talker, is_located_on: computer, ros_binding: { node_name: talker, namespace: /demo } }',
        '  - { id: a, name: A, is_located_on: computer, ros_binding: { node_name: a, namespace: /demo } }',
        '  - { id: b, name: B, is_located_on: computer, ros_binding: { node_name: b, namespace: /demo } }',
        '  - { id: nowhere, name: Nowhere, is_located_on: computer, ros_binding: { node_name: nowhere, namespace: /demo } }',
      ].join('\n'),
    );
    g = await startTestGateway({
      defaults: true,
      flags: {
        'discovery.mode': 'manifest_only',
        'discovery.manifest_path': manifest,
        plugins: ['procfs_introspection', 'systemd_introspection', 'container_introspection'],
        'plugins.procfs_introspection.proc_root': proc.root,
        'plugins.procfs_introspection.clock_ticks': 100,
        'plugins.systemd_introspection.proc_root': proc.root,
        'plugins.systemd_introspection.systemctl_path': systemctl,
        'plugins.container_introspection.proc_root': proc.root,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await g?.close();
    proc?.remove();
    manifestDir?.remove();
  });
  const api = (p: string) => http(`${g.url}/api/v1${p}`);

  it('serves an App process and its metadata under x-medkit.plugins', async () => {
    const r = await api('/apps/talker/x-medkit-procfs');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pid: 400, rss_bytes: 3000 * 1024, threads: 4, fd_count: 9, pid_source: 'cmdline', cmdline: '/usr/bin/talker --ros-args -r __node:=talker -r __ns:=/demo' });
    const d = await api('/apps/talker');
    expect(d.body.capabilities.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['x-medkit-procfs', 'x-medkit-systemd', 'x-medkit-container']));
    expect(d.body['x-medkit'].plugins.procfs_introspection).toMatchObject({ pid: 400, fd_count: 9 });
    expect(d.body['x-medkit'].plugins.container_introspection).toMatchObject({ container_id: hex, runtime: 'docker' });
  });

  it('aggregates a Component by process, skipping Apps without one', async () => {
    const r = await api('/components/computer/x-medkit-procfs');
    expect(r.status).toBe(200);
    const byPid = Object.fromEntries(r.body.processes.map((p: { pid: number; node_ids: string[] }) => [p.pid, p.node_ids.sort()]));
    expect(byPid).toEqual({ 400: ['talker'], 401: ['a', 'b'] });
  });

  it('answers the docs/introspection.md errors', async () => {
    const miss = await api('/apps/nowhere/x-medkit-procfs');
    expect(miss.status).toBe(404);
    expect(miss.body).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-pid-lookup-failed' });
    expect((await api('/apps/a/x-medkit-container')).body).toMatchObject({ vendor_code: 'x-medkit-not-containerized' });
    expect((await api('/apps/nowhere/x-medkit-systemd')).body).toMatchObject({ vendor_code: 'x-medkit-pid-lookup-failed' });
    expect((await api('/apps/ghost/x-medkit-procfs')).status).toBe(404);
    expect((await api('/apps/bad%20id/x-medkit-procfs')).status).toBe(400);
  });

  it('reads the container cgroup figures', async () => {
    const r = await api('/apps/talker/x-medkit-container');
    expect(r.body).toMatchObject({ pid: 400, container_id: hex, runtime: 'docker', memory_current_bytes: 1048576, memory_limit_bytes: 536870912, cpu_quota_us: 50000, cpu_period_us: 100000, cpu_usage_usec: 123456, pids_current: 4, pids_limit: null });
  });

  it('reads the systemd unit through systemctl show', async () => {
    const r = await api('/apps/a/x-medkit-systemd');
    expect(r.body).toMatchObject({ pid: 401, unit: 'robot.service', unit_type: 'service', manager: 'system', active_state: 'active', sub_state: 'running', restart_count: 3, watchdog_usec: 0 });
    const c = await api('/components/computer/x-medkit-systemd');
    // A docker container started with the systemd cgroup driver is a scope unit of its own.
    expect(c.body.units.map((u: { unit: string; node_ids: string[] }) => [u.unit, u.node_ids.sort()])).toEqual([
      [`docker-${hex}.scope`, ['talker']],
      ['robot.service', ['a', 'b']],
    ]);
  });

  it('documents the routes in /api/v1/docs', async () => {
    const doc = (await api('/docs')).body;
    for (const cap of ['x-medkit-procfs', 'x-medkit-systemd', 'x-medkit-container']) {
      expect(doc.paths[`/apps/{app_id}/${cap}`]?.get).toBeDefined();
      expect(doc.paths[`/components/{component_id}/${cap}`]?.get).toBeDefined();
    }
  });
});

describe('systemctl is bounded and optional', () => {
  let proc: FixtureProc;
  afterEach(() => proc?.remove());

  /** A systemd plugin over a fixture process 500 in robot.service, with `script` as systemctl. */
  async function systemdWith(script: string, extra: Record<string, unknown> = {}) {
    proc = new FixtureProc();
    proc.add({ pid: 500, cmdline: ['r', '__node:=r'], cgroup: '/system.slice/robot.service' });
    const systemctl = join(proc.root, 'systemctl');
    writeFileSync(systemctl, `#!/bin/sh\n${script}\n`);
    chmodSync(systemctl, 0o755);
    const plugin = new SystemdPlugin();
    await plugin.configure({ proc_root: proc.root, systemctl_path: systemctl, query_timeout_ms: 300, ...extra });
    const logs: string[] = [];
    plugin.setContext(fakeContext([app('r', 'r')], logs));
    return { plugin, logs };
  }

  it('stays idle where systemd is not the init system: logged once, no metadata, 503 on the route', async () => {
    const { plugin, logs } = await systemdWith(`echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2; exit 1`);
    expect(plugin.unavailable).toMatch(/not been booted/);
    expect(logs.join('\n')).toMatch(/not been booted/);
    expect(await plugin.introspect({ areas: [], components: [], apps: [app('r', 'r')], functions: [] })).toEqual({});
    await expect(plugin.view('r')).rejects.toMatchObject({ code: 'x-medkit-systemd-query-failed', status: 503 });
  });

  it('stays idle when systemctl does not exist', async () => {
    proc = new FixtureProc();
    const plugin = new SystemdPlugin();
    await plugin.configure({ proc_root: proc.root, systemctl_path: join(proc.root, 'no-such-systemctl') });
    expect(plugin.unavailable).toBeDefined();
  });

  it('kills a systemctl that hangs at its deadline (503)', async () => {
    const { plugin } = await systemdWith(`for a in "$@"; do [ "$a" = --property=Version ] && exit 0; done; sleep 30`);
    expect(plugin.unavailable).toBeUndefined();
    await expect(plugin.view('r')).rejects.toMatchObject({ code: 'x-medkit-systemd-query-failed', status: 503 });
  });

  it('refuses an output past max_output_bytes instead of buffering it (503)', async () => {
    const { plugin } = await systemdWith(`for a in "$@"; do [ "$a" = --property=Version ] && exit 0; done; head -c 10000000 /dev/zero | tr '\\0' 'x'`, { max_output_bytes: 4096 });
    await expect(plugin.view('r')).rejects.toMatchObject({ code: 'x-medkit-systemd-query-failed', status: 503 });
  });
});

/** The parts of PluginContext the introspection plugins use, over a fixed set of Apps. */
function fakeContext(apps: App[], logs: string[]): PluginContext {
  const log = (m: string) => logs.push(m);
  return {
    log: { info: log, warn: log, error: log },
    registerCapability: () => {},
    registerSampler: () => {},
    getEntitySnapshot: () => ({ areas: [], components: [], apps, functions: [] }),
    getChildApps: () => apps,
  } as unknown as PluginContext;
}

describe('built-in plugins are enabled by name', () => {
  const settings = (raw: Record<string, unknown>) => readPluginSettings({ section: () => raw }, new Set(Object.keys(BUILTIN_PLUGINS)));
  it('needs no path for a built-in, keeps a given path, and still requires one for anything else', () => {
    expect(settings({ plugins: ['procfs_introspection'], 'plugins.procfs_introspection.proc_root': '/x' })).toEqual([{ name: 'procfs_introspection', path: undefined, callTimeoutMs: 5000, config: { proc_root: '/x' }, keys: ['proc_root'] }]);
    expect(settings({ plugins: ['procfs_introspection'], 'plugins.procfs_introspection.path': './mine.js' })[0].path).toBe('./mine.js');
    expect(() => settings({ plugins: ['procfs'] })).toThrow(/plugins.procfs.path is required.*built-in plugins: .*procfs_introspection/);
  });
});
