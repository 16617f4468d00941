// The cgroup probe against this machine's cgroups (as root; CI runs as root): it finds a working hierarchy, and
// at start-up reclaims what a gateway that is gone left in its execution cgroups.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { probeCgroups, type CgroupBackend } from '@medkit/scripts';
import { describeAsRoot } from '../../../test-support/requirements.js';
import { pidAlive, waitFor } from '../../../test-support/processes.js';

describeAsRoot('cgroup probe (as root)', () => {
  it("finds a working hierarchy here; at start-up kills what a gateway that is gone left in its execution cgroups and removes them, and leaves a live gateway's alone", async () => {
    const limits = { memoryBytes: 64 << 20, maxProcesses: 8, cpuCores: 0.5 };
    const first = probeCgroups(limits);
    expect('backend' in first, JSON.stringify(first)).toBe(true);
    const backend = (first as { backend: CgroupBackend }).backend;
    // A pid that certainly ended: a child that has exited.
    const gone = spawnSync('/bin/true').pid!;
    // What a gateway killed before it could stop its execution left: a process (in its own session) in the cgroup.
    const leftover = backend.create(`medkit-exec-${gone}-exec_1_0`);
    const orphan = spawn('sleep', ['7790'], { detached: true, stdio: 'ignore' });
    for (const f of leftover.procsFiles) writeFileSync(f, String(orphan.pid));
    const emptyLeftover = backend.create(`medkit-exec-${gone}-exec_1_1`);
    // This gateway's own, and one of another live gateway (a live pid), are kept.
    const mine = backend.create(`medkit-exec-${process.pid}-exec_1_2`);
    const other = backend.create(`medkit-exec-${orphan.pid}-exec_1_3`);
    const dirs = [...leftover.procsFiles, ...emptyLeftover.procsFiles].map((f) => dirname(f));
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    try {
      const reclaimed = backend.reclaimStale();
      expect(reclaimed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: `medkit-exec-${gone}-exec_1_0`, executionId: 'exec_1_0', killed: 1 },
        { name: `medkit-exec-${gone}-exec_1_1`, executionId: 'exec_1_1', killed: 0 },
      ]);
      await waitFor(() => (pidAlive(orphan.pid!) ? undefined : true), 'the left-over process to be killed', 10_000);
      await waitFor(() => (dirs.some((d) => existsSync(d)) ? undefined : true), 'the left-over cgroups to be removed', 15_000);
      expect([...mine.procsFiles, ...other.procsFiles].every((f) => existsSync(f))).toBe(true);
    } finally {
      if (pidAlive(orphan.pid!)) process.kill(orphan.pid!, 'SIGKILL');
      expect(mine.remove()).toBe(true);
      expect(other.remove()).toBe(true);
    }
  });
});
