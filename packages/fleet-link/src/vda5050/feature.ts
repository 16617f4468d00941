// Optional VDA 5050 bridge (docs/fleet.md), off by default: publishes a VDA 5050 2.x `state`
// with errors[] from the active faults to MQTT on every active-fault change and at least every
// `vda5050.state_interval_sec`, plus the `connection` topic (ONLINE on connect, OFFLINE on a clean stop,
// CONNECTIONBROKEN as the broker-held last will).
import { hostname } from 'node:os';
import type { MqttClient } from 'mqtt';
import type { ServerConfig, ServerFeature } from '@medkit/server';
import type { RobotServices } from '../robot-services.js';
import { warning } from '@medkit/kit';
import { bool, int, str } from '@medkit/kit';
import { buildConnection, buildState, isActive, stateErrors, vdaTopic, type Vda5050Header } from './messages.js';
import { FLEET_LINK_KEYS } from '../feature.js';

export const VDA5050_KEYS = {
  'vda5050.enabled': bool(false, 'Publish VDA 5050 2.x `state` messages with errors[] from active faults to MQTT (docs/fleet.md).'),
  'vda5050.broker_url': str('mqtt://127.0.0.1:1883', 'MQTT broker URL (mqtt:// or mqtts://).'),
  'vda5050.username': str('', 'MQTT user name; empty = anonymous.'),
  'vda5050.password': str('', 'MQTT password; never logged. Prefer MEDKIT_VDA5050_PASSWORD.'),
  'vda5050.interface_name': str('uagv', 'First topic level (`<interface_name>/<major>/<manufacturer>/<serial>/state`).'),
  'vda5050.major_version': str('v2', 'Major version topic level.'),
  'vda5050.version': str('2.0.0', 'Header `version` (protocol version of the messages).'),
  'vda5050.manufacturer': str('medkit', 'Header `manufacturer` (also a topic level).'),
  'vda5050.serial_number': str('', 'Header `serialNumber` (also a topic level); empty = fleet.robot_id, else the host name\'s first label.'),
  'vda5050.max_errors': int(32, 'Most faults listed in state.errors[] (the most severe, then the most recent); past it one MEDKIT_MORE_ACTIVE_FAULTS error counts the rest.', { min: 1, max: 1000 }),
  'vda5050.state_interval_sec': int(30, 'A `state` is published at least this often even when nothing changed (VDA 5050: at most 30 s).', { min: 1, max: 30 }),
};

/** MQTT topic levels may not contain these. */
const TOPIC_LEVEL = /^[^/#+\s]{1,128}$/;

export function createVda5050Feature(config: ServerConfig, robotServices: Pick<RobotServices, 'faults'>): ServerFeature {
  const enabled = config.read(VDA5050_KEYS, 'vda5050.enabled');
  let client: MqttClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let off: (() => void) | undefined;
  // headerId is counted per topic (VDA 5050 docs/fleet.md).
  const headerIds = { state: 0, connection: 0 };
  let published = 0;
  let lastActive = '';
  let goodbye: (() => [string, string]) | undefined;
  return {
    name: 'vda5050',
    uses: [robotServices.faults],
    keys: VDA5050_KEYS,
    init(ctx) {
      if (!enabled) return;
      ctx.health.add(() => ({
        fields: { 'x-medkit-vda5050': { connected: Boolean(client?.connected), states_published: published } },
        warnings: client?.connected ? [] : [warning('vda5050_broker_unreachable', 'VDA 5050 MQTT broker is not connected')],
      }));
    },
    async start(ctx) {
      if (!enabled) return;
      const log = ctx.log.child({ component: 'vda5050' });
      const faults = ctx.services.find(robotServices.faults);
      if (!faults) {
        log.warn('vda5050 needs the faults feature; not started');
        return;
      }
      const serial = ctx.config.read(VDA5050_KEYS, 'vda5050.serial_number') || ctx.config.read(FLEET_LINK_KEYS, 'fleet.robot_id') || hostname().split('.')[0];
      const header: Vda5050Header = { version: ctx.config.read(VDA5050_KEYS, 'vda5050.version'), manufacturer: ctx.config.read(VDA5050_KEYS, 'vda5050.manufacturer'), serialNumber: serial };
      const iface = ctx.config.read(VDA5050_KEYS, 'vda5050.interface_name');
      const major = ctx.config.read(VDA5050_KEYS, 'vda5050.major_version');
      for (const [k, v] of [['interface_name', iface], ['major_version', major], ['manufacturer', header.manufacturer], ['serial_number', serial]]) {
        if (!TOPIC_LEVEL.test(v)) {
          log.error({ key: `vda5050.${k}`, value: v }, 'not a valid MQTT topic level; VDA 5050 bridge not started');
          return;
        }
      }
      const stateTopic = vdaTopic(iface, major, header, 'state');
      const connTopic = vdaTopic(iface, major, header, 'connection');
      const nextId = (topic: keyof typeof headerIds) => (headerIds[topic] = (headerIds[topic] + 1) % 0x1_0000_0000);
      // The will is sent by the broker when the connection breaks, but MQTT fixes it when the connection opens: it
      // is re-armed with a fresh timestamp and headerId for every (re)connection, the newest a will can carry.
      const will = () => ({ topic: connTopic, payload: Buffer.from(JSON.stringify(buildConnection(header, nextId('connection'), 'CONNECTIONBROKEN'))), qos: 1 as const, retain: true });
      const maxErrors = ctx.config.read(VDA5050_KEYS, 'vda5050.max_errors');
      const user = ctx.config.read(VDA5050_KEYS, 'vda5050.username');
      // Loaded only when enabled: a gateway without the bridge never pays for the client.
      const { default: mqtt } = await import('mqtt');
      const c = mqtt.connect(ctx.config.read(VDA5050_KEYS, 'vda5050.broker_url'), {
        clientId: `medkit-vda5050-${serial}`,
        username: user || undefined,
        password: ctx.config.read(VDA5050_KEYS, 'vda5050.password') || undefined,
        reconnectPeriod: 1000,
        connectTimeout: 5000,
        // State is re-sent on reconnect; nothing stale piles up while the broker is away.
        queueQoSZero: false,
        will: will(),
      });
      client = c;
      c.on('reconnect', () => {
        c.options.will = will();
      });
      goodbye = () => [connTopic, JSON.stringify(buildConnection(header, nextId('connection'), 'OFFLINE'))];
      c.on('error', (err) => log.debug({ err: err.message }, 'vda5050 MQTT error'));
      const publishState = () => {
        if (!c.connected) return;
        const active = faults.system.manager.repository.allFaults().filter(isActive);
        const errors = stateErrors(active, maxErrors, (f) => faults.entitiesOfFault(f).map((e) => e.entity_id));
        c.publish(stateTopic, JSON.stringify(buildState(header, nextId('state'), errors)), { qos: 0 });
        published++;
      };
      c.on('connect', () => {
        c.publish(connTopic, JSON.stringify(buildConnection(header, nextId('connection'), 'ONLINE')), { qos: 1, retain: true });
        publishState();
      });
      // On every change of the active set (codes, levels or descriptions), not on every occurrence.
      off = faults.system.manager.events.subscribe(() => {
        const key = JSON.stringify(faults.system.manager.repository.allFaults().filter(isActive).map((f) => [f.fault_code, f.severity, f.description]).sort());
        if (key === lastActive) return;
        lastActive = key;
        publishState();
      });
      timer = setInterval(publishState, ctx.config.read(VDA5050_KEYS, 'vda5050.state_interval_sec') * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      off?.();
      const c = client;
      if (!c) return;
      // A clean goodbye: OFFLINE (retained), then an MQTT DISCONNECT, which tells the broker to discard the will (a
      // forced close would make it publish CONNECTIONBROKEN over OFFLINE). Bounded so shutdown never waits on the
      // broker; only if the goodbye cannot be said in time is the connection dropped (and the will then stands).
      const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then(() => true, () => false), new Promise<false>((r) => setTimeout(() => r(false), ms).unref())]);
      let clean = false;
      if (c.connected && goodbye) {
        const [topic, payload] = goodbye();
        clean = (await within(c.publishAsync(topic, payload, { qos: 1, retain: true }), 1000)) && (await within(c.endAsync(false), 1000));
      }
      if (!clean) await within(c.endAsync(true), 1000);
    },
  };
}
