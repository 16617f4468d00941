// SROS2 settings as rcl reads them from the environment (ROS_SECURITY_ENABLE, ROS_SECURITY_STRATEGY,
// ROS_SECURITY_KEYSTORE, ROS_SECURITY_ENCLAVE_OVERRIDE) and where an enclave's files live:
// <keystore>/enclaves/<enclave path>/. No crypto here, so a caller can read settings without loading
// the security stack.
import { isAbsolute, join, resolve } from 'node:path';

export type SecurityStrategy = 'Enforce' | 'Permissive';

export interface SecuritySettings {
  enabled: boolean;
  /** Enforce: no secure enclave, no start. Permissive: without one, warn and run without security. */
  strategy: SecurityStrategy;
  /** The keystore root directory. */
  keystore: string;
  /** The enclave path inside the keystore, e.g. `/medkit/gateway`. */
  enclave: string;
}

/** The six files an enclave holds, by role. */
export const ENCLAVE_FILES = {
  cert: 'cert.pem',
  key: 'key.pem',
  identityCa: 'identity_ca.cert.pem',
  permissionsCa: 'permissions_ca.cert.pem',
  governance: 'governance.p7s',
  permissions: 'permissions.p7s',
} as const;

/** The ROS_SECURITY_* variables that are set, read the way rcl reads them. */
export function securitySettingsFromEnv(env: NodeJS.ProcessEnv): Partial<SecuritySettings> {
  const out: Partial<SecuritySettings> = {};
  // rcl: security is on only for the exact value "true"; Enforce only for the exact value "Enforce".
  if (env.ROS_SECURITY_ENABLE !== undefined && env.ROS_SECURITY_ENABLE !== '') out.enabled = env.ROS_SECURITY_ENABLE === 'true';
  if (env.ROS_SECURITY_STRATEGY !== undefined && env.ROS_SECURITY_STRATEGY !== '') out.strategy = env.ROS_SECURITY_STRATEGY === 'Enforce' ? 'Enforce' : 'Permissive';
  if (env.ROS_SECURITY_KEYSTORE) out.keystore = env.ROS_SECURITY_KEYSTORE;
  if (env.ROS_SECURITY_ENCLAVE_OVERRIDE) out.enclave = env.ROS_SECURITY_ENCLAVE_OVERRIDE;
  return out;
}

/** Why an enclave path is not acceptable, or undefined when it is (absolute, no `.`/`..` segments). */
export function enclaveProblem(enclave: string): string | undefined {
  if (!enclave.startsWith('/')) return `enclave '${enclave}' must be an absolute ROS path (start with '/')`;
  if (enclave.split('/').some((s) => s === '.' || s === '..')) return `enclave '${enclave}' must not contain '.' or '..'`;
  if (/[^\w/~-]/.test(enclave)) return `enclave '${enclave}' may hold only letters, digits, '_', '~', '-' and '/'`;
  return undefined;
}

/** `<keystore>/enclaves/<enclave>` (the keystore made absolute). */
export function enclaveDir(keystore: string, enclave: string): string {
  const root = isAbsolute(keystore) ? keystore : resolve(keystore);
  return join(root, 'enclaves', ...enclave.split('/').filter((s) => s !== ''));
}
