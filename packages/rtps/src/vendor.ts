// Vendor ids (2 octets, big-endian number here). Vendor-specific PIDs (0x8000+) mean different
// things per vendor, so everything that decodes them keys on these values.

/** RTPS vendor ids of implementations seen in ROS systems (OMG DDSI-RTPS vendor id table). */
export const VendorId = {
  UNKNOWN: 0x0000,
  RTI_CONNEXT: 0x0101,
  OPENSPLICE: 0x0102,
  OPENDDS: 0x0103,
  MILSOFT: 0x0104,
  INTERCOM: 0x0105,
  COREDX: 0x0106,
  RTI_CONNEXT_MICRO: 0x010a,
  FAST_DDS: 0x010f,
  CYCLONE_DDS: 0x0110,
  GURUM_DDS: 0x0111,
  RUST_DDS: 0x0112,
  ZRDDS: 0x0113,
  DUST_DDS: 0x0114,
  /**
   * medkit's own id. 0x0199 is outside the range the OMG has assigned so far (0x0101..~0x0120),
   * so no peer interprets our messages with another vendor's vendor-specific PID meanings.
   * We also send no vendor-specific PIDs at all.
   */
  MEDKIT: 0x0199,
} as const;

const NAMES: Record<number, string> = {
  [VendorId.RTI_CONNEXT]: 'RTI Connext DDS',
  [VendorId.OPENSPLICE]: 'ADLINK OpenSplice',
  [VendorId.OPENDDS]: 'OpenDDS',
  [VendorId.MILSOFT]: 'MilSoft',
  [VendorId.INTERCOM]: 'Kongsberg InterCOM',
  [VendorId.COREDX]: 'TwinOaks CoreDX',
  [VendorId.RTI_CONNEXT_MICRO]: 'RTI Connext Micro',
  [VendorId.FAST_DDS]: 'eProsima Fast DDS',
  [VendorId.CYCLONE_DDS]: 'Eclipse Cyclone DDS',
  [VendorId.GURUM_DDS]: 'GurumDDS',
  [VendorId.RUST_DDS]: 'RustDDS',
  [VendorId.ZRDDS]: 'ZRDDS',
  [VendorId.DUST_DDS]: 'Dust DDS',
  [VendorId.MEDKIT]: 'medkit',
};

/** Human-readable vendor name, or the hex id when unknown. */
export function vendorName(id: number): string {
  return NAMES[id] ?? `unknown vendor 0x${id.toString(16).padStart(4, '0')}`;
}
