// ExecutionTracker (unit): status and feedback from the goal handle, the result once finished, newest
// first, finished goals dropped 5 minutes after they ended, and each goal kept with the entity that started it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ExecutionTracker, executionView, FINISHED_TTL_MS, type GoalHandleLike } from '../../src/operations/executions.js';
import { OperationsService } from '../../src/operations/service.js';
import { newApp } from '../../src/entities/model.js';
import { SovdError } from '@medkit/sovd';
import { RosTimeoutError } from '@medkit/ros2';

class FakeGoal extends EventEmitter implements GoalHandleLike {
  status = 1;
  finish!: (r: { status: number; result: Record<string, unknown> }) => void;
  private readonly done = new Promise<{ status: number; result: Record<string, unknown> }>((resolve) => (this.finish = resolve));
  constructor(readonly id: string) {
    super();
  }
  result() {
    return this.done;
  }
  async cancel() {
    return { returnCode: 0 };
  }
}

const APP = 'app/fibonacci';

describe('execution tracker', () => {
  it('follows status, feedback and result, lists newest first, and cleans up after the TTL', async () => {
    let now = 0;
    const t = new ExecutionTracker(() => now);
    const a = new FakeGoal('a'.repeat(32));
    const b = new FakeGoal('b'.repeat(32));
    t.add(APP, '/fib', 'pkg/action/F', a, 1000);
    t.add(APP, '/fib', 'pkg/action/F', b, 1000);
    expect(t.list(APP, '/fib').map((e) => e.id)).toEqual([b.id, a.id]);
    a.emit('status', 2);
    a.emit('feedback', { seq: [0, 1] });
    expect(executionView(t.get(APP, '/fib', a.id)!)).toMatchObject({ status: 'running', parameters: { seq: [0, 1] }, 'x-medkit': { ros2_status: 'executing' } });
    a.finish({ status: 4, result: { seq: [0, 1, 1] } });
    await new Promise((r) => setImmediate(r));
    expect(executionView(t.get(APP, '/fib', a.id)!)).toMatchObject({ status: 'completed', 'x-medkit': { ros2_status: 'succeeded', result: { seq: [0, 1, 1] } } });
    b.emit('status', 6);
    expect(executionView(t.get(APP, '/fib', b.id)!).status).toBe('failed');
    now = FINISHED_TTL_MS - 1;
    expect(t.cleanup()).toBe(0);
    now = FINISHED_TTL_MS;
    expect(t.cleanup()).toBe(2);
    expect(t.list(APP, '/fib')).toEqual([]);
  });

  it('keeps an execution with the entity it was started on (the reference 0.7.0, #591): another entity neither reads nor lists it', () => {
    const t = new ExecutionTracker(() => 0);
    const a = new FakeGoal('a'.repeat(32));
    const c = new FakeGoal('c'.repeat(32));
    t.add(APP, '/fib', 'pkg/action/F', a, 1000);
    t.add('component/compute', '/fib', 'pkg/action/F', c, 1000);
    expect(t.get(APP, '/fib', a.id)?.id).toBe(a.id);
    expect(t.get('component/compute', '/fib', a.id)).toBeUndefined();
    expect(t.get(APP, '/fib', c.id)).toBeUndefined();
    expect(t.list(APP, '/fib').map((e) => e.id)).toEqual([a.id]);
    expect(t.list('component/compute', '/fib').map((e) => e.id)).toEqual([c.id]);
    expect(t.list('area/base', '/fib')).toEqual([]);
  });

  it('a cancel that runs out of time is 504 not-responding, unless the goal is seen cancelling (the reference 0.7.0, #593)', async () => {
    const tracker = new ExecutionTracker(() => 0);
    const dock = newApp('base', 'runtime', { actions: [{ full_path: '/base/dock', name: 'dock', type: 'nav2_msgs/action/DockRobot' }] });
    const ops = new OperationsService({ tracker, members: () => [dock], callTimeoutMs: 10, source: 'medkit' });
    const ref = { type: 'app' as const, entity: dock };
    class SilentGoal extends FakeGoal {
      async cancel(): Promise<{ returnCode: number }> {
        throw new RosTimeoutError('action goal', 1000);
      }
    }
    const g = new SilentGoal('d'.repeat(32));
    tracker.add('app/base', '/base/dock', 'nav2_msgs/action/DockRobot', g, 1000);
    const err = await ops.cancel(ref, 'dock', g.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SovdError);
    expect((err as SovdError).toBody()).toMatchObject({ error_code: 'not-responding', parameters: { execution_id: g.id } });
    g.emit('status', 3);
    expect((await ops.cancel(ref, 'dock', g.id)).status).toBe('running');
  });
});
