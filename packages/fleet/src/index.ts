// @medkit/fleet: the fleet server (`medkit fleet`), a feature of the same gateway core: JetStream ingest into
// PostgreSQL, the fleet's SOVD-shaped API, the live fault stream, and live requests forwarded to robots.
// Importing it loads pg and the NATS clients' types: `medkit` imports it only when a fleet replica starts
// (its keys alone are `@medkit/fleet/keys`).
export { createFleetFeature } from './feature.js';
export { FLEET_SERVER_KEYS } from './keys.js';
export { fleetForwardRole } from './routes.js';
export { registerFleetMetrics } from './metrics.js';
