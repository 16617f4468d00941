import type { KeySpec } from '@medkit/kit';
import { AUTH_KEYS, CORS_KEYS, RATE_LIMIT_KEYS, SERVER_KEYS, STORAGE_KEYS, TLS_KEYS } from '@medkit/server';
import { DISCOVERY_KEYS, ROS_KEYS, ROS_SECURITY_KEYS } from './keys.js';

/** Core key tables with their reference titles. */
export const CORE_KEY_GROUPS: [string, Record<string, KeySpec>][] = [
  ['Server', SERVER_KEYS],
  ['TLS', TLS_KEYS],
  ['Authentication', AUTH_KEYS],
  ['CORS', CORS_KEYS],
  ['Rate limiting', RATE_LIMIT_KEYS],
  ['ROS 2', ROS_KEYS],
  ['ROS 2 security (SROS2)', ROS_SECURITY_KEYS],
  ['Discovery', DISCOVERY_KEYS],
  ['Storage and bulk data', STORAGE_KEYS],
];
