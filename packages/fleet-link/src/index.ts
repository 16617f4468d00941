// @medkit/fleet-link: the robot side of the fleet tier, as gateway features. The fleet link publishes the
// robot's fault events, entity tree, health and WARN+ logs through a SQLite outbox to the fleet's JetStream;
// the VDA 5050 bridge publishes active faults as VDA 5050 errors over MQTT. Both are off by default and load
// their broker client (NATS, MQTT) only when started.
export { createFleetLinkFeature, FLEET_LINK_KEYS, type FleetLinkStatus } from './feature.js';
export { createVda5050Feature, VDA5050_KEYS } from './vda5050/feature.js';
export type { RobotServices, RobotEntities, RobotFaults, RobotLogs, RobotEntitySnapshot, RobotLogEntry } from './robot-services.js';
// The configuration both tiers read (fleet id, NATS, stream limits); the fleet server imports it from here.
export { FLEET_COMMON_KEYS, fleetIdFrom, NATS_CLIENT_DEFAULTS, natsOptionsFrom, streamLimitsFrom } from './fleet-config.js';
// The outbox and its drain, for tools that publish as many robots (bench/fleet).
export { Outbox, OUTBOX_MIGRATIONS, type OutboxRow, type OutboxStats } from './outbox.js';
export { OutboxDrain, ROBOT_DRAIN_BACKOFF, type DrainConnection, type DrainOptions, type DrainStats } from './drain.js';
export { FAST_PATH_MAX_AGE_MS, FastPublisher, type FastPathSink, type FastPathStats } from './fast-path.js';
