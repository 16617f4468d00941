// Transition plans of the built-in managed-node provider, for every SOVD transition and primary state.
import { describe, expect, it } from 'vitest';
import { planTransition, STATE, TRANSITION_NAMES, SOVD_TRANSITIONS } from '../../src/lifecycle/plan.js';

const names = (t: Parameters<typeof planTransition>[0], s: number) => planTransition(t, s)?.map((x) => TRANSITION_NAMES[x.transition] + (x.optional ? '?' : ''));

describe('lifecycle transition plans', () => {
  it('start configures and activates, or only activates', () => {
    expect(names('start', STATE.UNCONFIGURED)).toEqual(['configure', 'activate']);
    expect(names('start', STATE.INACTIVE)).toEqual(['activate']);
    expect(names('start', STATE.ACTIVE)).toBeUndefined();
  });
  it('restart goes all the way down to unconfigured and back up', () => {
    expect(names('restart', STATE.ACTIVE)).toEqual(['deactivate', 'cleanup', 'configure', 'activate']);
    expect(names('restart', STATE.INACTIVE)).toEqual(['cleanup', 'configure', 'activate']);
    expect(names('restart', STATE.UNCONFIGURED)).toBeUndefined();
  });
  it('force-restart tolerates failing teardown steps and also starts an unconfigured node', () => {
    expect(names('force-restart', STATE.ACTIVE)).toEqual(['deactivate?', 'cleanup?', 'configure', 'activate']);
    expect(names('force-restart', STATE.UNCONFIGURED)).toEqual(['configure', 'activate']);
  });
  it('shutdown tears down step by step; force-shutdown takes the direct transition', () => {
    expect(names('shutdown', STATE.ACTIVE)).toEqual(['deactivate', 'cleanup', 'unconfigured_shutdown']);
    expect(names('shutdown', STATE.UNCONFIGURED)).toEqual(['unconfigured_shutdown']);
    expect(names('force-shutdown', STATE.ACTIVE)).toEqual(['active_shutdown']);
    expect(names('force-shutdown', STATE.INACTIVE)).toEqual(['inactive_shutdown']);
  });
  it('nothing is possible from finalized or a transition state', () => {
    for (const t of SOVD_TRANSITIONS) {
      expect(planTransition(t, STATE.FINALIZED)).toBeUndefined();
      expect(planTransition(t, 13)).toBeUndefined();
    }
  });
});
