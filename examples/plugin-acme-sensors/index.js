// @ts-check
// An example medkit plugin (see docs/plugins.md). Plain JavaScript, typed against the published contract
// `@medkit/plugin-api` through JSDoc, so the gateway can load it by path without a build step
// (`npm run typecheck` here checks it against the contract).
//
// It adds an "ACME sensor hub" component with three data items (two read-only sensors and a writable
// setpoint), one operation (recalibrate), a global vendor route `x-acme/status` with its OpenAPI
// description, an entity vendor route `components/<id>/x-acme-diagnostics`, and a log backend that
// keeps the last WARN+ /rosout entries it observes.

/** @typedef {import('@medkit/plugin-api').MedkitPlugin} MedkitPlugin */
/** @typedef {import('@medkit/plugin-api').PluginContext} PluginContext */
/** @typedef {import('@medkit/plugin-api').PluginEntityRef} PluginEntityRef */
/** @typedef {import('@medkit/plugin-api').PluginLogEntry} PluginLogEntry */

/** Must equal the gateway's PLUGIN_API_VERSION (checked when the module is loaded). */
export const pluginApiVersion = 7;

/** The `plugins.acme.*` keys configure() reads: any other one stops the gateway's start-up, named. */
export const configKeys = ['hub.id', 'hub.area', 'setpoint'];

/** A provider error the gateway answers with `status` and SOVD `code` (the contract's PluginError, by name). */
class PluginError extends Error {
  /** @param {string} code @param {string} message @param {number} status */
  constructor(code, message, status) {
    super(message);
    this.name = 'PluginError';
    this.code = code;
    this.status = status;
    this.parameters = {};
  }
}

class AcmeSensors {
  constructor() {
    this.hubId = 'acme_sensor_hub';
    this.area = '';
    this.setpoint = 21.5;
    this.calibrations = 0;
    /** @type {PluginLogEntry[]} */
    this.warnings = [];
    this.observed = 0;
    /** @type {PluginContext | undefined} */
    this.ctx = undefined;
  }

  name() {
    return 'acme';
  }

  /** @param {Record<string, unknown>} config */
  configure(config) {
    // `plugins.acme.hub.id: my_hub` arrives as {hub: {id: 'my_hub'}}.
    const hub = /** @type {{id?: unknown, area?: unknown} | undefined} */ (config.hub);
    if (typeof hub?.id === 'string') this.hubId = hub.id;
    if (typeof hub?.area === 'string') this.area = hub.area;
    if (typeof config.setpoint === 'number') this.setpoint = config.setpoint;
  }

  /** @param {PluginContext} ctx */
  setContext(ctx) {
    this.ctx = ctx;
    ctx.registerEntityCapability(this.hubId, 'x-acme-diagnostics');
    ctx.log.info(`ACME sensor hub '${this.hubId}' ready`);
  }

  /** @returns {import('@medkit/plugin-api').PluginRoute[]} */
  getRoutes() {
    return [
      {
        method: 'GET',
        pattern: 'x-acme/status',
        handler: (_req, res) => res.sendJson({ hub: this.hubId, calibrations: this.calibrations, observed_log_entries: this.observed, recent_warnings: this.warnings }),
      },
      {
        method: 'GET',
        pattern: 'components/([^/]+)/x-acme-diagnostics',
        handler: (req, res) => {
          const entity = this.ctx?.validateEntityForRoute(req, res, req.pathParam(1) ?? '');
          if (!entity) return;
          if (entity.id !== this.hubId) return res.sendError(404, 'resource-not-found', 'No ACME diagnostics for this component');
          res.sendJson({ id: entity.id, self_test: 'passed', setpoint: this.setpoint });
        },
      },
    ];
  }

  shutdown() {
    this.ctx = undefined;
  }

  // ---- IntrospectionProvider ----

  /** @param {import('@medkit/plugin-api').IntrospectionInput} _input */
  introspect(_input) {
    return {
      new_entities: {
        components: [{ id: this.hubId, name: 'ACME sensor hub', description: 'Environment sensors on the ACME field bus', ...(this.area ? { area: this.area } : {}) }],
      },
      metadata: { [this.hubId]: { vendor: 'ACME', firmware: '2.4.1' } },
    };
  }

  // ---- DataProvider ----

  /** @param {PluginEntityRef} entity */
  listData(entity) {
    return {
      items: ['temperature', 'humidity', 'setpoint'].map((id) => ({ id, name: id, category: 'currentData' })),
      'x-medkit': { entity_id: entity.id, source: 'acme' },
    };
  }

  /** @param {PluginEntityRef} _entity @param {string} name */
  readData(_entity, name) {
    switch (name) {
      case 'temperature':
        return { id: name, data: { celsius: 22.4 } };
      case 'humidity':
        return { id: name, data: { percent: 41 } };
      case 'setpoint':
        return { id: name, data: { celsius: this.setpoint } };
      default:
        throw new PluginError('resource-not-found', `No data item '${name}'`, 404);
    }
  }

  /** @param {PluginEntityRef} _entity @param {string} name @param {unknown} value */
  writeData(_entity, name, value) {
    if (name !== 'setpoint') throw new PluginError('x-acme-read-only', `'${name}' is read-only`, 403);
    const celsius = /** @type {{celsius?: unknown} | undefined} */ (value)?.celsius;
    if (typeof celsius !== 'number' || celsius < 5 || celsius > 35) throw new PluginError('invalid-parameter', 'setpoint needs {celsius: 5…35}', 400);
    this.setpoint = celsius;
    return { id: name, data: { celsius } };
  }

  // ---- OperationProvider ----

  /** @param {PluginEntityRef} _entity */
  listOperations(_entity) {
    return { items: [{ id: 'recalibrate', name: 'Recalibrate sensors', proximity_proof_required: false, asynchronous_execution: false }] };
  }

  /** @param {PluginEntityRef} _entity @param {string} name @param {unknown} parameters */
  executeOperation(_entity, name, parameters) {
    if (name !== 'recalibrate') throw new PluginError('operation-not-found', `No operation '${name}'`, 404);
    this.calibrations++;
    return { parameters: { calibrations: this.calibrations, offset: /** @type {{offset?: number}} */ (parameters)?.offset ?? 0 } };
  }

  // ---- LogProvider (observer: entries stay in the gateway's buffer too) ----

  /** @param {PluginLogEntry} entry */
  onLogEntry(entry) {
    this.observed++;
    if (entry.severity === 'warning' || entry.severity === 'error' || entry.severity === 'fatal') {
      this.warnings.push(entry);
      if (this.warnings.length > 20) this.warnings.shift();
    }
    return false;
  }
}

/** @returns {MedkitPlugin} */
export function createPlugin() {
  return new AcmeSensors();
}

/** @param {MedkitPlugin} p */
const self = (p) => /** @type {AcmeSensors} */ (/** @type {unknown} */ (p));

/** @type {import('@medkit/plugin-api').PluginModule['getIntrospectionProvider']} */
export const getIntrospectionProvider = (p) => self(p);
/** @type {import('@medkit/plugin-api').PluginModule['getDataProvider']} */
export const getDataProvider = (p) => self(p);
/** @type {import('@medkit/plugin-api').PluginModule['getOperationProvider']} */
export const getOperationProvider = (p) => self(p);
/** @type {import('@medkit/plugin-api').PluginModule['getLogProvider']} */
export const getLogProvider = (p) => self(p);

/** OpenAPI path items of the vendor routes, keyed by path under /api/v1 (they appear in /api/v1/docs). */
export function describePluginRoutes() {
  return {
    'x-acme/status': {
      get: {
        operationId: 'getAcmeStatus',
        summary: 'ACME sensor hub status (calibrations, recent WARN+ log entries)',
        tags: ['x-acme'],
        responses: { 200: { description: 'Status', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    'components/{component_id}/x-acme-diagnostics': {
      get: {
        operationId: 'getAcmeDiagnostics',
        summary: 'Self-test result of an ACME hub component',
        tags: ['x-acme'],
        parameters: [{ name: 'component_id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'Diagnostics', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
}
