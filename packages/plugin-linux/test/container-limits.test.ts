// Container limits on every common cgroup layout (the reference's 0.7.0 linux introspection, #637, #604), over
// synthetic cgroup hierarchies written as the kernel lays them out (cgroups(7)): v2 on the host's namespace and
// in a private one (the Docker default: the process sees `/`, its cgroup is mounted at the root), pure v1,
// hybrid v1+v2; a limit set on an ancestor rather than the process's leaf; a v1 limit not outranked by a v2
// hierarchy that sets none; and an unreadable limit told apart from an unset one. Then the plugin itself
// (per process) through a gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { containerFigures, containerOfCgroup, containerOfMountinfo, parseCgroupFile } from '../src/container-limits.js';
import { FixtureProc } from '../../../test-support/fixture-proc.js';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';

const hex = 'c'.repeat(64);
const root = (p: FixtureProc) => join(p.root, 'sys/fs/cgroup');

describe('cgroup files', () => {
  it('reads v2, v1 (several controllers on one line, named hierarchies skipped) and hybrid lines', () => {
    const m = parseCgroupFile(`12:pids:/docker/${hex}\n4:cpu,cpuacct:/docker/${hex}\n3:memory:/docker/${hex}\n1:name=systemd:/docker/${hex}\n0::/\n`);
    expect(m.v2).toBe('/');
    expect([...m.v1.keys()].sort()).toEqual(['cpu', 'cpuacct', 'memory', 'pids']);
    expect(m.v1Dirs.get('cpu')).toBe('cpu,cpuacct');
    expect(containerOfCgroup(m.v1.get('memory')!)).toEqual({ id: hex, runtime: 'docker' });
    expect(parseCgroupFile('garbage\n0::relative\n').v2).toBeUndefined();
  });

  it('finds the container of a private namespace from the files its runtime mounts', () => {
    expect(containerOfMountinfo(`612 590 8:1 /var/lib/docker/containers/${hex}/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n`)).toEqual({ id: hex, runtime: 'docker' });
    expect(containerOfMountinfo(`1 2 0:5 /var/lib/containers/storage/overlay-containers/${hex}/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw\n`)).toEqual({ id: hex, runtime: 'podman' });
    expect(containerOfMountinfo('25 1 8:1 / / rw - ext4 /dev/sda1 rw\n')).toBeUndefined();
  });
});

describe('container figures', () => {
  const trees: FixtureProc[] = [];
  const tree = () => {
    const p = new FixtureProc();
    trees.push(p);
    return p;
  };
  afterAll(() => trees.forEach((t) => t.remove()));

  it('v2, host namespace: the limit set on the container scope, read from a process in a child cgroup', async () => {
    const p = tree();
    p.cgroup(`/system.slice/docker-${hex}.scope`, { 'memory.max': '536870912\n', 'cpu.max': '50000 100000\n', 'pids.max': '64\n' });
    p.cgroup(`/system.slice/docker-${hex}.scope/init.scope`, { 'memory.max': 'max\n', 'memory.current': '4096\n', 'cpu.max': 'max 100000\n', 'cpu.stat': 'usage_usec 77\n', 'pids.max': 'max\n', 'pids.current': '3\n' });
    const f = await containerFigures(root(p), parseCgroupFile(`0::/system.slice/docker-${hex}.scope/init.scope\n`));
    expect(f).toEqual({
      cgroup_version: 'v2',
      memory_current_bytes: 4096,
      memory_limit: { state: 'limited', value: 536870912 },
      cpu_quota: { state: 'limited', value: 50000 },
      cpu_period_us: 100000,
      cpu_usage_usec: 77,
      pids_current: 3,
      pids_limit: { state: 'limited', value: 64 },
    });
  });

  it('v2, private namespace: the process shows /, its own cgroup is the mounted root', async () => {
    const p = tree();
    p.cgroup('/', { 'memory.max': '268435456\n', 'memory.current': '1024\n', 'cpu.max': 'max 100000\n', 'pids.max': 'max\n' });
    const f = await containerFigures(root(p), parseCgroupFile('0::/\n'));
    expect(f).toMatchObject({ cgroup_version: 'v2', memory_limit: { state: 'limited', value: 268435456 }, cpu_quota: { state: 'unlimited', value: null }, cpu_period_us: 100000, pids_limit: { state: 'unlimited' } });
    // The same process seen through a host path that does not exist inside the container: still the mounted root.
    const g = await containerFigures(root(p), parseCgroupFile(`0::/system.slice/docker-${hex}.scope\n`));
    expect(g.memory_limit).toEqual({ state: 'limited', value: 268435456 });
  });

  it('v1 (host and private namespace): memory.limit_in_bytes, cfs quota and period, the page-counter maximum as no limit', async () => {
    const p = tree();
    p.cgroup(`memory/docker/${hex}`, { 'memory.limit_in_bytes': '1073741824\n', 'memory.usage_in_bytes': '2048\n' });
    p.cgroup(`cpu,cpuacct/docker/${hex}`, { 'cpu.cfs_quota_us': '25000\n', 'cpu.cfs_period_us': '100000\n', 'cpuacct.usage': '5000000\n' });
    p.cgroup(`pids/docker/${hex}`, { 'pids.max': 'max\n', 'pids.current': '7\n' });
    const host = parseCgroupFile(`9:pids:/docker/${hex}\n4:cpu,cpuacct:/docker/${hex}\n3:memory:/docker/${hex}\n`);
    expect(await containerFigures(root(p), host)).toEqual({
      cgroup_version: 'v1',
      memory_current_bytes: 2048,
      memory_limit: { state: 'limited', value: 1073741824 },
      cpu_quota: { state: 'limited', value: 25000 },
      cpu_period_us: 100000,
      cpu_usage_usec: 5000,
      pids_current: 7,
      pids_limit: { state: 'unlimited', value: null },
    });
    const q = tree();
    q.cgroup('memory', { 'memory.limit_in_bytes': '9223372036854771712\n' });
    q.cgroup('cpu,cpuacct', { 'cpu.cfs_quota_us': '-1\n', 'cpu.cfs_period_us': '100000\n' });
    const priv = await containerFigures(root(q), parseCgroupFile('4:cpu,cpuacct:/\n3:memory:/\n'));
    expect(priv).toMatchObject({ memory_limit: { state: 'unlimited' }, cpu_quota: { state: 'unlimited' }, pids_limit: { state: 'unreadable' } });
  });

  it('hybrid: a v1 controller that sets a limit is not outranked by a v2 hierarchy that sets none', async () => {
    const p = tree();
    p.cgroup(`/docker/${hex}`, { 'memory.max': 'max\n', 'pids.max': 'max\n' });
    p.cgroup(`memory/docker/${hex}`, { 'memory.limit_in_bytes': '536870912\n' });
    const f = await containerFigures(root(p), parseCgroupFile(`3:memory:/docker/${hex}\n0::/docker/${hex}\n`));
    expect(f).toMatchObject({ cgroup_version: 'hybrid', memory_limit: { state: 'limited', value: 536870912 }, pids_limit: { state: 'unlimited' }, cpu_quota: { state: 'unreadable' } });
  });

  it('tells an unreadable limit from an unset one', async () => {
    const p = tree();
    p.cgroup(`/docker/${hex}`, { 'memory.max': 'garbage\n' });
    const f = await containerFigures(root(p), parseCgroupFile(`0::/docker/${hex}\n`));
    expect(f.memory_limit).toEqual({ state: 'unreadable', value: null });
    expect(f.cpu_quota).toEqual({ state: 'unreadable', value: null });
  });
});

describe('the container plugin per process, over a fixture proc_root', () => {
  let proc: FixtureProc;
  let g: TestGateway;
  let manifest: FixtureProc;
  beforeAll(async () => {
    proc = new FixtureProc();
    // v1 host path; a private-namespace process (`0::/`) known by its mountinfo; one in no container.
    proc.add({ pid: 600, cmdline: ['/usr/bin/v1node', '--ros-args', '-r', '__node:=v1node', '-r', '__ns:=/c'] });
    writeFileSync(join(proc.root, 'proc/600/cgroup'), `4:cpu,cpuacct:/docker/${hex}\n3:memory:/docker/${hex}\n`);
    proc.cgroup(`memory/docker/${hex}`, { 'memory.limit_in_bytes': '1073741824\n', 'memory.usage_in_bytes': '2048\n' });
    proc.cgroup(`cpu,cpuacct/docker/${hex}`, { 'cpu.cfs_quota_us': '-1\n', 'cpu.cfs_period_us': '100000\n' });
    proc.add({ pid: 601, cmdline: ['/usr/bin/privnode', '--ros-args', '-r', '__node:=privnode', '-r', '__ns:=/c'], cgroup: '/' });
    writeFileSync(join(proc.root, 'proc/601/mountinfo'), `612 590 8:1 /var/lib/docker/containers/${'d'.repeat(64)}/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n`);
    proc.cgroup('/', { 'memory.max': '268435456\n', 'memory.current': '1024\n' });
    proc.add({ pid: 602, cmdline: ['/usr/bin/hostnode', '--ros-args', '-r', '__node:=hostnode', '-r', '__ns:=/c'], cgroup: '/user.slice/session-1.scope' });
    manifest = new FixtureProc();
    const file = join(manifest.root, 'robot.yaml');
    writeFileSync(
      file,
      ['manifest_version: "1.0"', 'apps:']
        .concat(['v1node', 'privnode', 'hostnode'].map((n) => `  - { id: ${n}, name: ${n}, ros_binding: { node_name: ${n}, namespace: /c } }`))
        .join('\n'),
    );
    g = await startTestGateway({
      defaults: true,
      flags: { 'discovery.mode': 'manifest_only', 'discovery.manifest_path': file, plugins: ['container_introspection'], 'plugins.container_introspection.proc_root': proc.root } as never,
    });
  }, 60_000);
  afterAll(async () => {
    await g?.close();
    proc?.remove();
    manifest?.remove();
  });

  it('reports each process on its own layout, with the state of every limit', async () => {
    const v1 = await http(`${g.url}/api/v1/apps/v1node/x-medkit-container`);
    expect(v1.body).toMatchObject({ pid: 600, container_id: hex, runtime: 'docker', cgroup_version: 'v1', memory_limit_bytes: 1073741824, cpu_quota_us: null, limits: { memory: 'limited', cpu: 'unlimited', pids: 'unreadable' } });
    const priv = await http(`${g.url}/api/v1/apps/privnode/x-medkit-container`);
    expect(priv.body).toMatchObject({ pid: 601, container_id: 'd'.repeat(64), runtime: 'docker', cgroup: '/', memory_limit_bytes: 268435456, limits: { memory: 'limited' } });
    const host = await http(`${g.url}/api/v1/apps/hostnode/x-medkit-container`);
    expect(host.body).toMatchObject({ vendor_code: 'x-medkit-not-containerized' });
  });
});
