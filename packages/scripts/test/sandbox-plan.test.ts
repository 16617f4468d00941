// The sandbox plan's decisions (planSandbox with a fake probe), on every machine: the command line it wraps a
// script in, what it says without cgroups or namespaces, and where it fails closed. The isolation itself runs
// against a real gateway process in packages/gateway/test/scripts/sandbox.test.ts (as root).
import { describe, expect, it } from 'vitest';
import { EXEC_INIT, SANDBOX_SETUP, planSandbox, type CgroupBackend, type SandboxProbe, type SandboxSettings } from '@medkit/scripts';

describe('sandbox plan', () => {
  const settings: SandboxSettings = { mode: 'auto', user: 'nobody', userExplicit: false, cpuSec: 10, memoryMb: 256, maxProcesses: 16, maxFileMb: 8, cpuCores: 0.5, diskMb: 32 };
  const v1: CgroupBackend = { kind: 'v1', location: '/sys/fs/cgroup/memory', create: () => ({ procsFiles: ['/cg/memory/x/cgroup.procs'], oomKilled: () => false, remove: () => true }), reclaimStale: () => [] };
  const probe = (over: Partial<SandboxProbe>): SandboxProbe => ({
    isRoot: () => true,
    lookupUser: (n) => (n === 'nobody' ? { uid: 65534, gid: 65534 } : n === 'root' ? { uid: 0, gid: 0 } : undefined),
    runs: () => true,
    program: (n) => `/usr/bin/${n}`,
    cgroups: () => ({ backend: v1 }),
    exists: (p) => p !== '/tmp/gone',
    ...over,
  });

  it('as root: mount and PID namespace, private /tmp, the init, the cgroup join, the user drop with no_new_privs, the limits, the interpreter', () => {
    const plan = planSandbox(settings, probe({}));
    expect(plan.isolation).toBe('pid-namespace');
    expect(plan.privateTmp).toBe(true);
    expect(plan.cgroupStatus).toBe('v1');
    expect(plan.warning).toBeUndefined();
    const { file, args } = plan.wrap('/bin/sh', ['/tmp/medkit-exec/script.sh'], { source: '/srv/scripts/a/b/script.sh', procsFiles: ['/cg/m/cgroup.procs', '/cg/p/cgroup.procs'] });
    expect([file, ...args]).toEqual([
      // Dies with the gateway (and takes the namespace along): a gateway killed with SIGKILL leaves nothing running.
      '/usr/bin/setpriv', '--pdeathsig', 'KILL', '--',
      '/usr/bin/unshare', '--mount', '--pid', '--ipc', '--uts', '--fork', '--kill-child', '--mount-proc', '--',
      '/usr/bin/sh', '-c', SANDBOX_SETUP, 'medkit-sandbox', '32', '65534', '65534', '/srv/scripts/a/b/script.sh', '', '0', '--',
      process.execPath, '-e', EXEC_INIT,
      '/usr/bin/sh', '-c', 'echo $$ > "$1" && echo $$ > "$2" && shift 2 && exec "$@" || exit 125', 'medkit-cgroup', '/cg/m/cgroup.procs', '/cg/p/cgroup.procs',
      '/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--no-new-privs', '--',
      // No --nproc: pids.max of the execution's cgroup bounds its processes (RLIMIT_NPROC is per user, machine-wide);
      // no --as: memory.max bounds its memory (an address-space limit killed Node.js scripts at random).
      '/usr/bin/prlimit', '--cpu=10', `--fsize=${8 * 1024 * 1024}`, '--',
      '/bin/sh', '/tmp/medkit-exec/script.sh',
    ]);
  });

  it('without cgroups says so (description, warning, status); strict refuses to start', () => {
    const plan = planSandbox(settings, probe({ cgroups: () => ({ unavailable: 'cgroup v2: no cgroup2 mount; cgroup v1: cgroup v1 memory controller not mounted' }) }));
    expect(plan.cgroupStatus).toMatch(/^unavailable: cgroup v2: no cgroup2 mount/);
    expect(plan.description).toMatch(/per-execution cgroup limits unavailable/);
    expect(plan.warning).toMatch(/no cgroup limits/);
    expect(plan.wrap('/bin/sh', ['s'], { source: '/s', procsFiles: [] }).args).toEqual(expect.arrayContaining(['--nproc=16', `--as=${256 * 1024 * 1024}`]));
    expect(plan.description).toMatch(/per-process limits cpu 10 s, memory 256 MiB, 16 processes, files 8 MiB/);
    expect(() => planSandbox({ ...settings, mode: 'strict' }, probe({ cgroups: () => ({ unavailable: 'none here' }) }))).toThrow(/strict cannot be honoured: per-execution cgroups are unavailable: none here/);
  });

  it('fails closed: a missing user, a root user, and strict mode without namespaces stop start-up', () => {
    expect(() => planSandbox({ ...settings, user: 'ghost' }, probe({}))).toThrow(/does not exist/);
    expect(() => planSandbox({ ...settings, user: 'root' }, probe({}))).toThrow(/is root/);
    expect(() => planSandbox({ ...settings, mode: 'strict' }, probe({ runs: () => false }))).toThrow(/strict cannot be honoured/);
    expect(() => planSandbox({ ...settings, mode: 'strict' }, probe({ program: (n) => (n === 'unshare' ? undefined : `/usr/bin/${n}`) }))).toThrow(/missing unshare/);
  });

  it('visible paths: only those under /tmp are bound (after the /tmp copy of the script), checked at start-up (fail closed)', () => {
    const plan = planSandbox({ ...settings, visiblePaths: ['/tmp/tools/bin/', '/opt/robot', '/tmp/a/../b'] }, probe({}));
    const { args } = plan.wrap('/bin/sh', ['s'], { source: '/s', procsFiles: [] });
    expect(args.slice(args.indexOf('/s'), args.indexOf('/s') + 6)).toEqual(['/s', '', '2', '/tmp/tools/bin', '/tmp/b', '--']);
    expect(plan.description).toContain('(/tmp/tools/bin, /tmp/b visible read-only)');
    for (const [bad, why] of [
      ['tools/bin', /absolute/], ['/tmp', /itself/], ['/tmp/', /itself/], ['/tmp/x/..', /itself/], ['/tmp/medkit-exec/x', /HOME/],
      ['/var/tmp/x', /under \/var\/tmp/], ['/dev/shm', /under \/dev\/shm/], ['/tmp/gone', /does not exist/], ['/tmp/a\nb', /absolute/],
    ] as const) {
      expect(() => planSandbox({ ...settings, visiblePaths: [bad] }, probe({})), bad).toThrow(why);
    }
    // Binding them fails on this machine: start-up stops rather than run scripts that cannot find their tools.
    let calls = 0;
    expect(() => planSandbox({ ...settings, visiblePaths: ['/tmp/tools'] }, probe({ runs: () => ++calls === 1 }))).toThrow(/visible_paths cannot be honoured/);
  });

  it('auto without namespaces falls back to process groups and says why; the leader still dies with the gateway', () => {
    const plan = planSandbox(settings, probe({ isRoot: () => false, runs: () => false }));
    expect(plan.isolation).toBe('process-group');
    expect(plan.warning).toMatch(/user namespaces are disabled.*share \/tmp, System V IPC and the network/);
    const { args } = plan.wrap('/bin/sh', ['s'], { source: '/s', procsFiles: [] });
    expect(args.slice(0, args.indexOf('--') + 1)).toEqual(['--no-new-privs', '--pdeathsig', 'KILL', '--']);
  });

  it('network none: an own network namespace whose loopback the set-up brings up; without namespaces it refuses to start', () => {
    const plan = planSandbox({ ...settings, network: 'none' }, probe({}));
    const { args } = plan.wrap('/bin/sh', ['s'], { source: '/s', procsFiles: [] });
    expect(args.slice(args.indexOf('/usr/bin/unshare'), args.indexOf('/usr/bin/unshare') + 7)).toEqual(['/usr/bin/unshare', '--mount', '--pid', '--ipc', '--uts', '--net', '--fork']);
    expect(args.slice(args.indexOf('/s'), args.indexOf('/s') + 3)).toEqual(['/s', '/usr/bin/ip', '0']);
    expect(plan.description).toContain('own network namespace (loopback only)');
    expect(planSandbox(settings, probe({})).description).toContain("the host's network (scripts.sandbox.network=host)");
    expect(() => planSandbox({ ...settings, network: 'none' }, probe({ runs: () => false }))).toThrow(/scripts\.sandbox\.network=none cannot be honoured/);
  });

  it('off runs the interpreter directly', () => {
    expect(planSandbox({ ...settings, mode: 'off' }, probe({})).wrap('/bin/sh', ['s'])).toEqual({ file: '/bin/sh', args: ['s'] });
  });
});
