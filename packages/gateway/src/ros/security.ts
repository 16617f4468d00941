// SROS2 at start-up (ros.security.*, docs/sros2.md). Off: nothing is loaded. On: the enclave is loaded and
// validated through @medkit/ros2/security (imported only here, only then: it brings pkijs), then:
//   - a valid enclave: ROS is joined SECURED (DDS-Security with the enclave's keys), under Enforce and Permissive;
//   - Enforce + a broken enclave: start-up is refused, naming the file and the reason (never unsecured: a gateway
//     that started without ROS would look healthy from afar while seeing nothing);
//   - Permissive + a broken enclave: a warning, and ROS is joined without security.
import type { LoadedEnclave } from '@medkit/ros2/security';
import type { GatewayConfig } from '../config/index.js';
import { ConfigError } from '@medkit/kit';
import { ROS_SECURITY_KEYS } from '../config/keys.js';

export type RosSecurityState =
  | { state: 'off' }
  /** Join ROS secured with this enclave. */
  | { state: 'secured'; enclave: LoadedEnclave }
  /** Join ROS without security (Permissive); `warning` says why. */
  | { state: 'unsecured'; enclave: string; warning: string };

interface Log {
  warn(msg: string): void;
  info(msg: string): void;
}

/** Checks ros.security.*; throws ConfigError (refuse to start) under Enforce when the enclave is unusable. */
export async function checkRosSecurity(config: GatewayConfig, log: Log): Promise<RosSecurityState> {
  if (!config.read(ROS_SECURITY_KEYS, 'ros.security.enabled')) return { state: 'off' };
  const strategy = config.read(ROS_SECURITY_KEYS, 'ros.security.strategy');
  const settings = { keystore: config.read(ROS_SECURITY_KEYS, 'ros.security.keystore'), enclave: config.read(ROS_SECURITY_KEYS, 'ros.security.enclave') };
  const { loadEnclave, KeystoreError } = await import('@medkit/ros2/security');
  let enclave: LoadedEnclave;
  try {
    enclave = await loadEnclave(settings);
  } catch (err) {
    if (!(err instanceof KeystoreError)) throw err;
    if (strategy === 'Enforce') throw new ConfigError(`ros.security: SROS2 enclave '${settings.enclave}' is unusable: ${err.message}; refusing to start (ros.security.strategy is Enforce)`);
    const warning = `ros.security: SROS2 enclave '${settings.enclave}' is unusable (${err.message}); joining ROS without security (ros.security.strategy is Permissive)`;
    log.warn(warning);
    return { state: 'unsecured', enclave: settings.enclave, warning };
  }
  log.info(`ros.security: SROS2 enclave '${settings.enclave}' (${enclave.dir}) validated; joining ROS secured`);
  const { aesGcmBackend, aesGcmAddonError } = await import('@medkit/rtps/security');
  // Correct either way; without the addon each protected sample costs several times more CPU (docs/sros2.md, "Speed").
  if (aesGcmBackend !== 'addon') log.warn(`ros.security: protected samples are opened with Node.js's crypto, not @medkit/rtps's AES-GCM addon (${aesGcmAddonError}); rebuild with a C compiler (npm run build) for full speed`);
  return { state: 'secured', enclave };
}
