// The demo lidar's /scan as the reference UI's topic view reads it from the data list (issue 24 point 2):
// `publisher_count` / `subscriber_count` from the ROS graph and `value`, the latest LaserScan the gateway
// holds. The robot's nodes run in their own process (ROS domain testDomain(219), loopback).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomain } from '../../../test-support/domains.js';
import { BEAMS } from '../src/nodes/lidar.js';
import { eventually, http } from '../../../test-support/demo/demo.js';
import { startDemoRobotGateway, type DemoRobotGateway } from '../../../test-support/demo/robot-process.js';

const DOMAIN = testDomain(219);
let demo: DemoRobotGateway | undefined;
let api: string;

interface ListItem {
  id: string;
  value?: { ranges?: unknown[] };
  publisher_count?: number;
  subscriber_count?: number;
  'x-medkit': Record<string, unknown>;
}

/** The reference topic view's line for one data list item. */
const topicView = (i: ListItem) => `${i.publisher_count ?? 0} pub / ${i.subscriber_count ?? 0} sub / ${i.value ? `${i.value.ranges?.length} ranges` : 'No data'}`;

async function scanItem(entity: string): Promise<ListItem | undefined> {
  const r = await http(`${api}/${entity}/data`);
  return (r.body?.items as ListItem[] | undefined)?.find((i) => i.id === '/scan');
}

beforeAll(async () => {
  demo = await startDemoRobotGateway(DOMAIN);
  api = demo.api;
}, 120_000);

afterAll(async () => demo?.close(), 30_000);

describe("the demo lidar's /scan on the data list", () => {
  it('counts its publisher and subscribers before anything sampled it, without a value', async () => {
    const item = await eventually(async () => {
      const i = await scanItem('apps/lidar');
      return i && (i.subscriber_count ?? 0) > 0 ? i : undefined;
    }, '/scan with its subscribers', 60_000);
    expect(item.publisher_count).toBe(1);
    expect(item).not.toHaveProperty('value');
    expect(topicView(item)).toMatch(/^1 pub \/ [1-9]\d* sub \/ No data$/);
  }, 90_000);

  it('shows the latest scan once a read has cached it, on the app and on its component', async () => {
    const read = await eventually(async () => {
      const r = await http(`${api}/apps/lidar/data/scan`);
      return r.status === 200 && r.body['x-medkit'].status === 'data' ? r : undefined;
    }, 'a /scan sample', 30_000);
    for (const entity of ['apps/lidar', 'components/lidar-unit']) {
      const item = (await scanItem(entity))!;
      expect(item.value?.ranges).toHaveLength(BEAMS);
      expect(item.publisher_count).toBe(read.body['x-medkit'].publisher_count);
      expect(item.subscriber_count).toBe(read.body['x-medkit'].subscriber_count);
      expect(topicView(item)).toBe(`1 pub / ${read.body['x-medkit'].subscriber_count} sub / ${BEAMS} ranges`);
      expect(item['x-medkit'].timestamp).toBeGreaterThanOrEqual(read.body['x-medkit'].timestamp);
    }
  }, 60_000);
});
