// RTPS default port mapping (RTPS 2.x §9.6.1.1): PB 7400, DG 250, PG 2, d0 0, d1 10, d2 1, d3 11.

export const PortMapping = { PB: 7400, DG: 250, PG: 2, d0: 0, d1: 10, d2: 1, d3: 11 } as const;

/** The SPDP multicast group both vendors use. */
export const SPDP_MULTICAST_ADDRESS = '239.255.0.1';

/** Highest domain id whose ports all stay below 65535 (with participant index 119). */
export const MAX_DOMAIN_ID = 232;

export function spdpMulticastPort(domainId: number): number {
  return PortMapping.PB + PortMapping.DG * domainId + PortMapping.d0;
}

export function metatrafficUnicastPort(domainId: number, participantIndex: number): number {
  return PortMapping.PB + PortMapping.DG * domainId + PortMapping.d1 + PortMapping.PG * participantIndex;
}

export function userUnicastPort(domainId: number, participantIndex: number): number {
  return PortMapping.PB + PortMapping.DG * domainId + PortMapping.d3 + PortMapping.PG * participantIndex;
}

/** ROS_DOMAIN_ID from the environment, else 0. Invalid values fall back to 0. */
export function domainIdFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.ROS_DOMAIN_ID);
  return Number.isInteger(v) && v >= 0 && v <= MAX_DOMAIN_ID ? v : 0;
}

/** True when ROS asks for localhost-only discovery (ROS_LOCALHOST_ONLY=1 or ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST). */
export function localhostOnlyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROS_LOCALHOST_ONLY === '1' || env.ROS_AUTOMATIC_DISCOVERY_RANGE?.toUpperCase() === 'LOCALHOST';
}
