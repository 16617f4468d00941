// Built-in plugins are enabled by name (docs/plugins.md): no path needed for the beacons, an unknown
// name still needs one; a beacon with a bad value is disabled with the reason on /health while the
// other keeps running; without ROS both run and say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPluginSettings } from '@medkit/gateway';
import { BUILTIN_PLUGIN_NAMES, BUILTIN_PLUGINS } from '@medkit/cli';
import { createPluginsFeature } from '@medkit/gateway';
import { createEntitiesFeature } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';

describe('built-in plugin settings', () => {
  const settings = (raw: Record<string, unknown>) => readPluginSettings({ section: () => raw }, BUILTIN_PLUGIN_NAMES);
  it('needs no path for a built-in name, and still one for any other', () => {
    expect(settings({ plugins: ['parameter_beacon', 'topic_beacon'], 'plugins.topic_beacon.max_messages_per_second': 5 })).toEqual([
      { name: 'parameter_beacon', path: undefined, callTimeoutMs: 5000, config: {}, keys: [] },
      { name: 'topic_beacon', path: undefined, callTimeoutMs: 5000, config: { max_messages_per_second: 5 }, keys: ['max_messages_per_second'] },
    ]);
    expect(() => settings({ plugins: ['graph_thing'] })).toThrow(/plugins.graph_thing.path is required/);
  });
});

describe('beacons enabled by name on a gateway without ROS', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      features: [createPluginsFeature({ builtins: BUILTIN_PLUGINS }), createEntitiesFeature()],
      flags: { plugins: ['parameter_beacon', 'topic_beacon'], 'plugins.parameter_beacon.poll_interval_sec': 'fast' },
    });
  });
  afterAll(async () => g?.close());

  it('disables the misconfigured one with its reason and keeps the other', async () => {
    const h = await http(`${g.url}/api/v1/health`);
    const plugins = h.body['x-medkit-plugins'] as { name: string; state: string; error?: string }[];
    expect(plugins.find((p) => p.name === 'parameter_beacon')).toMatchObject({ state: 'disabled', error: "configure failed: poll_interval_sec must be a number, got 'fast'" });
    expect(plugins.find((p) => p.name === 'topic_beacon')).toMatchObject({ state: 'active', providers: ['introspection'] });
    const status = await http(`${g.url}/api/v1/x-medkit-topic-beacon`);
    expect(status.body).toMatchObject({ topic: '/ros2_medkit/discovery', listening: false, hints: 0 });
    expect((await http(`${g.url}/api/v1/x-medkit-param-beacon`)).status).toBe(404);
  });
});
