#!/usr/bin/env node
// A simulated OpenPLC tank process on node-opcua's OPC-UA server, for the opcua plugin's worked example
// (README.md here). A pump fills the tank, a drain valve empties it; pressure and temperature follow:
// running the pump against a closed valve (dead-heading) drives pressure and temperature up, an open valve
// with the pump stopped drains the tank. pump_speed and valve_position are writable, so every fault of the
// node map can be provoked (and healed) through the gateway alone.
//
//   node examples/opcua/tank-plc.mjs [--port 4840] [--host 127.0.0.1] [--scenario normal|overpressure|low-level|high-temp] [--speed 1]
//
// Prints `tank-plc: listening on opc.tcp://…` once it serves; SIGINT/SIGTERM shut it down cleanly.
import serverLib from 'node-opcua-server';
import clientLib from 'node-opcua-client';

const { OPCUAServer } = serverLib;
const { DataType, VariantArrayType } = clientLib;

const USAGE = 'usage: tank-plc.mjs [--port N (default 4840, 0 = any free port)] [--host H (default 127.0.0.1)] [--scenario normal|overpressure|low-level|high-temp] [--speed X (simulation time factor, 0.1–50)]';

/** Starting points of the process: pump and valve settings (and levels) that lead to each fault, or none. */
const SCENARIOS = {
  normal: { pump_speed: 40, valve_position: 40, tank_level: 1000, tank_temperature: 25 },
  overpressure: { pump_speed: 100, valve_position: 0, tank_level: 1200, tank_temperature: 30 },
  'low-level': { pump_speed: 0, valve_position: 100, tank_level: 400, tank_temperature: 25 },
  'high-temp': { pump_speed: 90, valve_position: 5, tank_level: 1500, tank_temperature: 75 },
};

/** The tank: 2000 mm tall; levels in mm, temperature in °C, pressure in bar (absolute), speed and opening in %. */
const TANK_HEIGHT_MM = 2000;
const FILL_MM_PER_S = 40; // pump at 100 %
const DRAIN_MM_PER_S = 60; // valve fully open, tank full (scales with the square root of the head)
const AMBIENT_C = 20;

function parseArgs(argv) {
  const o = { port: 4840, host: '127.0.0.1', scenario: 'normal', speed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return null;
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--port') {
      o.port = Number(value);
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`--port must be 0–65535, got '${value}'`);
    } else if (flag === '--host') o.host = value;
    else if (flag === '--scenario') {
      if (!Object.hasOwn(SCENARIOS, value)) throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got '${value}'`);
      o.scenario = value;
    } else if (flag === '--speed') {
      o.speed = Number(value);
      if (!(o.speed >= 0.1 && o.speed <= 50)) throw new Error(`--speed must be 0.1–50, got '${value}'`);
    } else throw new Error(`unknown option ${flag}`);
  }
  return o;
}

/**
 * One simulation step of `dt` seconds. Pure: takes the state and the operator's settings, returns the next
 * state. Pressure and temperature approach a target with a first-order lag.
 */
function step(s, dt) {
  const pump = clamp(s.pump_speed, 0, 100) / 100;
  const valve = clamp(s.valve_position, 0, 100) / 100;
  const head = s.tank_level / TANK_HEIGHT_MM;
  const inflow = pump * FILL_MM_PER_S;
  const outflow = valve * DRAIN_MM_PER_S * Math.sqrt(Math.max(head, 0));
  const tank_level = clamp(s.tank_level + (inflow - outflow) * dt, 0, TANK_HEIGHT_MM);
  // Dead-heading: the pump's pressure builds up as far as the valve does not relieve it.
  const pressureTarget = 1 + 0.1 * (tank_level / 1000) + 5.5 * pump * pump * (1 - valve);
  const tempTarget = AMBIENT_C + 75 * pump * (1 - valve) ** 2 + 5 * pump;
  return {
    ...s,
    tank_level,
    tank_pressure: approach(s.tank_pressure, pressureTarget, dt, 1.0),
    tank_temperature: approach(s.tank_temperature, tempTarget, dt, 6.0),
  };
}

function approach(value, target, dt, tau) {
  return target + (value - target) * Math.exp(-dt / tau);
}
function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : lo));
}
const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

async function main(o) {
  const start = SCENARIOS[o.scenario];
  let state = { ...start, tank_pressure: 1 + 0.1 * (start.tank_level / 1000) };
  const server = new OPCUAServer({
    port: o.port,
    hostname: o.host,
    alternateHostname: [],
    serverInfo: { applicationUri: 'urn:medkit:example:openplc-tank', applicationName: { text: 'OpenPLC tank (simulated)' } },
    buildInfo: { productName: 'OpenPLC Runtime (simulated tank)', manufacturerName: 'medkit example', softwareVersion: '3.0', productUri: 'urn:medkit:example:openplc-tank' },
  });
  await server.initialize();
  const as = server.engine.addressSpace;
  const ns = as.getOwnNamespace();
  const plc = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: 'OpenPLC', nodeId: 's=OpenPLC' });
  const tag = (name, writable) =>
    ns.addVariable({
      componentOf: plc,
      browseName: name,
      nodeId: `s=${name}`,
      dataType: 'Double',
      minimumSamplingInterval: 100,
      value: { dataType: DataType.Double, arrayType: VariantArrayType.Scalar, value: state[name] },
      ...(writable ? { accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite' } : { accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' }),
    });
  const tags = {
    tank_level: tag('tank_level', false),
    tank_temperature: tag('tank_temperature', false),
    tank_pressure: tag('tank_pressure', false),
    pump_speed: tag('pump_speed', true),
    valve_position: tag('valve_position', true),
  };
  await server.start();

  const TICK_MS = 100;
  const timer = setInterval(() => {
    // The operator's settings are whatever a client last wrote.
    state.pump_speed = Number(tags.pump_speed.readValue().value.value);
    state.valve_position = Number(tags.valve_position.readValue().value.value);
    state = step(state, (TICK_MS / 1000) * o.speed);
    for (const [name, digits] of [['tank_level', 1], ['tank_temperature', 2], ['tank_pressure', 3]]) {
      tags[name].setValueFromSource({ dataType: DataType.Double, value: round(state[name], digits) });
    }
  }, TICK_MS);

  const endpoint = `opc.tcp://${o.host}:${server.endpoints[0].port}`;
  console.log(`tank-plc: listening on ${endpoint} (scenario ${o.scenario}, speed ${o.speed})`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    console.log(`tank-plc: ${signal}, shutting down`);
    await server.shutdown(0);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`tank-plc: ${err.message}\n${USAGE}`);
  process.exit(2);
}
if (!options) console.log(USAGE);
else
  main(options).catch((err) => {
    console.error(`tank-plc: ${err.stack ?? err}`);
    process.exit(1);
  });
