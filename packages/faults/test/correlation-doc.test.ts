// The correlation file example of docs/faults.md is a file the parser accepts as written, with the defaults
// the page states.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCorrelationConfig } from '@medkit/faults';

const page = readFileSync(new URL('../../../docs/faults.md', import.meta.url), 'utf8');
const example = /### The correlation file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? '';

describe('docs/faults.md correlation example', () => {
  it('parses without errors or warnings into the two rules it describes', () => {
    const c = parseCorrelationConfig(example);
    expect({ errors: c.errors, warnings: c.warnings, enabled: c.enabled }).toEqual({ errors: [], warnings: [], enabled: true });
    expect(c.rules.map((r) => [r.id, r.mode, r.window_ms])).toEqual([['protective_stop', 'hierarchical', 2000], ['lidar_storm', 'auto_cluster', 1000]]);
    const [stop, storm] = c.rules;
    expect(stop.mode === 'hierarchical' && [stop.root.matches('PROTECTIVE_STOP'), stop.symptoms.matches('NAVIGATION_GOAL_ABORTED'), stop.symptoms.matches('MOTOR_LEFT_STALL'), stop.symptoms.matches('LIDAR_X')]).toEqual([true, true, true, false]);
    expect(storm.mode === 'auto_cluster' && [storm.min_count, storm.representative, storm.match.matches('LIDAR_BLOCKED')]).toEqual([3, 'highest_severity', true]);
  });
});
