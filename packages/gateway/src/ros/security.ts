// SROS2 at start-up (ros.security.*, docs/sros2.md). Off: nothing is loaded. On: the enclave is loaded and
// validated through @medkit/ros2/security (imported only here, only then: it brings pkijs). Phase 1 of issue 29
// stops there: medkit does not speak DDS-Security on the wire yet, so
//   - Enforce + a broken enclave: start-up is refused, naming the file and the reason;
//   - Enforce + a valid enclave: start-up is refused too: the keys ask for a secured domain, which this build
//     cannot give, and Enforce must never mean unsecured traffic (a gateway that started without ROS would
//     look healthy from afar while seeing nothing);
//   - Permissive + either: a warning, and ROS is joined without security.
import type { GatewayConfig } from '../config/index.js';
import { ConfigError } from '../config/index.js';

export type RosSecurityState =
  | { state: 'off' }
  /** Join ROS without security (Permissive); `warning` says why. */
  | { state: 'unsecured'; warning: string };

interface Log {
  warn(msg: string): void;
  info(msg: string): void;
}

/** Checks ros.security.*; throws ConfigError (refuse to start) under Enforce: the enclave is unusable, or it is valid but cannot be used on the wire yet. */
export async function checkRosSecurity(config: GatewayConfig, log: Log): Promise<RosSecurityState> {
  if (!config.get('ros.security.enabled')) return { state: 'off' };
  const strategy = config.get('ros.security.strategy');
  const settings = { keystore: config.get('ros.security.keystore'), enclave: config.get('ros.security.enclave') };
  const { loadEnclave, KeystoreError } = await import('@medkit/ros2/security');
  let enclaveDir: string;
  try {
    enclaveDir = (await loadEnclave(settings)).dir;
  } catch (err) {
    if (!(err instanceof KeystoreError)) throw err;
    if (strategy === 'Enforce') throw new ConfigError(`ros.security: SROS2 enclave '${settings.enclave}' is unusable: ${err.message}; refusing to start (ros.security.strategy is Enforce)`);
    const warning = `ros.security: SROS2 enclave '${settings.enclave}' is unusable (${err.message}); joining ROS without security (ros.security.strategy is Permissive)`;
    log.warn(warning);
    return { state: 'unsecured', warning };
  }
  log.info(`ros.security: SROS2 enclave '${settings.enclave}' (${enclaveDir}) validated`);
  const notYet = 'medkit does not yet speak DDS-Security on the wire (docs/sros2.md, "Not yet")';
  if (strategy === 'Enforce') {
    throw new ConfigError(
      `ros.security: SROS2 enclave '${settings.enclave}' is valid, but ${notYet}; refusing to start (ros.security.strategy is Enforce). To run anyway: ros.security.strategy=Permissive joins without security (peers accept it only where the governance allows unauthenticated participants), or ros.security.enabled=false`,
    );
  }
  const warning = `ros.security: ${notYet}; joining ROS without security (ros.security.strategy is Permissive)`;
  log.warn(warning);
  return { state: 'unsecured', warning };
}
