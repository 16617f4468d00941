// Time sources of the fault manager (docs/faults.md): wall clock for what is stored and shown, monotonic
// clock for windows and cooldowns, and timers. Injected, so tests are deterministic. The clock is the core's
// (@medkit/sovd's Clock, issue 58); FaultClock is its name here, kept so that code written against it compiles.
import type { Clock } from '@medkit/sovd';

export { ManualClock, systemClock, type Clock, type TimerHandle } from '@medkit/sovd';
export type FaultClock = Clock;
