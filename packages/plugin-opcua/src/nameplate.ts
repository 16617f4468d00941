// The component's nameplate read from the server (docs/opcua.md "Identity"): the server's BuildInfo
// (Part 5, ServerStatus.BuildInfo) and, when the server exposes it, the OPC UA DI nameplate of the first
// device under a `DeviceSet` object (Part 100: Manufacturer, Model, SerialNumber, …). Every string is
// device input: bounded and stripped of control characters; every browse and read has the request deadline.
import type { ClientSession } from 'node-opcua-client';
import { cleanText, type IdentityField, type PluginIdentity, type PluginIdentitySource } from '@medkit/plugin-api';
import type { OpcuaConfig } from './config.js';
import { browseChildren, readAttributes } from './browse.js';
import type { Deadline, OpcuaLib } from './lib.js';

/** Devices under DeviceSet looked at (the first one with a nameplate is used). */
const MAX_DEVICES = 16;
/** Children of one device looked at for nameplate properties. */
const MAX_DEVICE_CHILDREN = 200;

/** Server_ServerStatus_BuildInfo_* (ns=0): the variable ids of Part 6's NodeIds.csv. */
const BUILD_INFO = {
  product_name: 2261,
  product_uri: 2262,
  manufacturer_name: 2263,
  software_version: 2264,
  build_number: 2265,
  build_date: 2266,
} as const;

/** DI nameplate browse names → nameplate field or extra key. */
const DI_FIELDS: Record<string, { field: IdentityField } | { extra: string }> = {
  Manufacturer: { field: 'manufacturer' },
  Model: { field: 'model' },
  SerialNumber: { field: 'serial_number' },
  HardwareRevision: { field: 'hardware_revision' },
  SoftwareRevision: { field: 'firmware_version' },
  ProductCode: { field: 'order_code' },
  DeviceRevision: { extra: 'device_revision' },
  ManufacturerUri: { extra: 'manufacturer_uri' },
  ProductInstanceUri: { extra: 'product_instance_uri' },
  DeviceManual: { extra: 'device_manual' },
  AssetId: { extra: 'asset_id' },
  ComponentName: { extra: 'component_name' },
};

/**
 * `opcua` (outranks the manifest) only when the nameplate came over a session that is signed (or signed
 * and encrypted) with a server certificate the gateway trusts; otherwise anyone on the path could have
 * written it, so it ranks as `plugin` (below the manifest).
 */
export function nameplateSource(cfg: Pick<OpcuaConfig, 'security_mode' | 'reject_untrusted'>): PluginIdentitySource {
  return cfg.security_mode !== 'None' && cfg.reject_untrusted ? 'opcua' : 'plugin';
}

/** An OPC-UA value as nameplate text: strings, LocalizedText, numbers and dates; anything else is skipped. */
function textOf(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v && typeof v === 'object' && 'text' in v) return cleanText((v as { text: unknown }).text);
  return cleanText(v);
}

type Nameplate = Omit<PluginIdentity, 'source'> & { extra: Record<string, string> };

async function readBuildInfo(session: ClientSession, lib: OpcuaLib, deadline: Deadline): Promise<Nameplate> {
  const keys = Object.keys(BUILD_INFO) as (keyof typeof BUILD_INFO)[];
  const values = await readAttributes(session, keys.map((k) => `i=${BUILD_INFO[k]}`), [lib.AttributeIds.Value], deadline);
  const b: Partial<Record<keyof typeof BUILD_INFO, string>> = {};
  keys.forEach((k, i) => {
    const [v] = values[i];
    const t = v.good ? textOf(v.value) : undefined;
    // A server that never set its build date reports the OPC-UA minimum date (1601): not a date.
    if (t !== undefined && !(k === 'build_date' && t.startsWith('1601-'))) b[k] = t;
  });
  const extra: Record<string, string> = {};
  if (b.product_uri) extra.product_uri = b.product_uri;
  if (b.build_number) extra.build_number = b.build_number;
  if (b.build_date) extra.build_date = b.build_date;
  return {
    fields: { ...(b.manufacturer_name ? { manufacturer: b.manufacturer_name } : {}), ...(b.product_name ? { model: b.product_name } : {}), ...(b.software_version ? { software_version: b.software_version } : {}) },
    extra,
  };
}

/** The DI nameplate of the first device under an Objects/DeviceSet object that has one. */
async function readDeviceNameplate(session: ClientSession, lib: OpcuaLib, deadline: Deadline): Promise<Nameplate | undefined> {
  const deviceSet = (await browseChildren(session, lib, 'i=85', deadline)).find((c) => c.nodeClass === 'Object' && c.name === 'DeviceSet');
  if (!deviceSet) return undefined;
  const devices = (await browseChildren(session, lib, deviceSet.nodeId, deadline, MAX_DEVICES)).filter((c) => c.nodeClass === 'Object');
  for (const device of devices) {
    const props = (await browseChildren(session, lib, device.nodeId, deadline, MAX_DEVICE_CHILDREN)).filter((c) => c.nodeClass === 'Variable' && c.name in DI_FIELDS);
    if (props.length === 0) continue;
    const values = await readAttributes(session, props.map((p) => p.nodeId), [lib.AttributeIds.Value], deadline);
    const plate: Nameplate = { fields: {}, extra: {} };
    props.forEach((p, i) => {
      const [v] = values[i];
      const t = v.good ? textOf(v.value) : undefined;
      if (t === undefined) return;
      const target = DI_FIELDS[p.name];
      if ('field' in target) plate.fields[target.field] ??= t;
      else plate.extra[target.extra] ??= t;
    });
    if (Object.keys(plate.fields).length === 0 && Object.keys(plate.extra).length === 0) continue;
    if (device.name) plate.extra.device_name = device.name;
    if (devices.length > 1) plate.extra.device_count = String(devices.length);
    return plate;
  }
  return undefined;
}

/**
 * Reads the nameplate: BuildInfo first, then the DI device's fields over it (the device is the asset,
 * BuildInfo describes the server software). A DI failure leaves the BuildInfo part; errors of BuildInfo
 * itself propagate (the caller logs them; the connection stays up).
 */
export async function readNameplate(session: ClientSession, lib: OpcuaLib, cfg: OpcuaConfig, deadline: Deadline, onDiFailure: (err: Error) => void): Promise<PluginIdentity> {
  const build = await readBuildInfo(session, lib, deadline);
  let device: Nameplate | undefined;
  try {
    device = await readDeviceNameplate(session, lib, deadline);
  } catch (err) {
    onDiFailure(err as Error);
  }
  const extra = { ...build.extra, ...(device?.extra ?? {}) };
  // The server's own product, when the DI device names another one, stays visible as extras.
  if (device?.fields.model && build.fields.model && device.fields.model !== build.fields.model) extra.server_product_name = build.fields.model;
  if (device?.fields.manufacturer && build.fields.manufacturer && device.fields.manufacturer !== build.fields.manufacturer) extra.server_manufacturer = build.fields.manufacturer;
  return { source: nameplateSource(cfg), fields: { ...build.fields, ...(device?.fields ?? {}) }, extra };
}
