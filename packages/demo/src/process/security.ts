/**
 * A demo process's DDS-Security (SROS2) from the ROS_SECURITY_* variables, read as rcl reads them (the launcher's
 * --secure sets them per process): the loaded enclave for RosContext's `security` option, or undefined when
 * security is off. An enclave that does not load stops the process under Enforce (medkit's default, failing
 * closed as the gateway does) and is only warned about under Permissive.
 */
import { securitySettingsFromEnv, type RosContextOptions } from '@medkit/ros2';

export async function processSecurity(name: string, env: NodeJS.ProcessEnv = process.env): Promise<RosContextOptions['security']> {
  const s = securitySettingsFromEnv(env);
  if (!s.enabled) return undefined;
  // Only now: the security modules bring pkijs.
  const { loadEnclave } = await import('@medkit/ros2/security');
  try {
    return { enclave: await loadEnclave({ keystore: s.keystore ?? '', enclave: s.enclave ?? '/' }) };
  } catch (err) {
    if ((s.strategy ?? 'Enforce') === 'Enforce') throw new Error(`SROS2 enclave '${s.enclave ?? '/'}' is unusable: ${(err as Error).message}; refusing to start (ROS_SECURITY_STRATEGY is Enforce)`);
    console.error(`${name}: SROS2 enclave '${s.enclave ?? '/'}' is unusable (${(err as Error).message}); joining ROS without security (ROS_SECURITY_STRATEGY is Permissive)`);
    return undefined;
  }
}
