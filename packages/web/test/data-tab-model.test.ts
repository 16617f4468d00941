// The data tab's pure parts: where "Write…" is offered (commands and setpoints, not what the robot measures or
// publishes itself), and the rate and age read from successive value reads.
import { describe, expect, it } from 'vitest';
import { writable } from '../src/ui/tabs/data-write';
import { addRead, observedRate, plottedKeys, type ItemHistory } from '../src/ui/tabs/data-history';

describe('Write… on a data item', () => {
  it('is offered on a command topic the entity listens to, also when another node publishes it', () => {
    expect(writable({ name: '/cmd_vel', direction: 'subscribe', type: 'geometry_msgs/msg/Twist', publishers: 1 })).toBe(true);
    expect(writable({ name: '/goal', type: 'geometry_msgs/msg/PoseStamped' })).toBe(true);
  });

  it('is not offered on what the entity publishes, on a measurement another node publishes, nor on /rosout', () => {
    expect(writable({ name: '/scan', direction: 'publish', type: 'sensor_msgs/msg/LaserScan', publishers: 1 })).toBe(false);
    expect(writable({ name: '/scan', direction: 'subscribe', type: 'sensor_msgs/msg/LaserScan', publishers: 1 })).toBe(false);
    expect(writable({ name: '/odom', direction: 'subscribe', type: 'nav_msgs/msg/Odometry', publishers: 1 })).toBe(false);
    expect(writable({ name: '/cmd_vel_safe', direction: 'publish', type: 'geometry_msgs/msg/Twist' })).toBe(false);
    expect(writable({ name: '/rosout', direction: 'subscribe', type: 'rcl_interfaces/msg/Log' })).toBe(false);
    expect(writable({ name: '/x', direction: 'subscribe' })).toBe(false);
  });

  it('is offered on a measurement topic nobody publishes (a test input a developer feeds by hand)', () => {
    expect(writable({ name: '/scan', direction: 'subscribe', type: 'sensor_msgs/msg/LaserScan', publishers: 0 })).toBe(true);
  });
});

const read = (sec: number, data: unknown, age = 0.05) => ({ data, 'x-medkit': { timestamp: sec * 1e9, age_sec: age } });

describe('rate and age of a data item', () => {
  it('counts messages per second over the reads, says when every read brought a new one, and keeps the age', () => {
    let h: ItemHistory = { samples: [] };
    for (let i = 0; i < 5; i++) h = addRead(h, read(100 + i, { x: i, y: 1 }));
    expect(observedRate(h)).toBeCloseTo(1);
    expect(h.everyPollNew).toBe(true);
    expect(h.ageSec).toBe(0.05);
    expect(plottedKeys(h)).toEqual(['x']);
    // The same message read again: the topic is slower than the polls.
    h = addRead(h, read(104, { x: 4, y: 1 }, 1.2));
    expect(h.samples).toHaveLength(5);
    expect(h.everyPollNew).toBe(false);
    expect(h.ageSec).toBe(1.2);
  });
});
