// @medkit/ros2/security: SROS2 keystores (phase 1 of DDS-Security support): resolve the enclave, load and
// validate its six files, and answer access questions in ROS terms. Importing this loads pkijs; the gateway
// does so only when ros.security.enabled is true. Settings alone (no crypto) are in ./settings.
export { ENCLAVE_FILES, enclaveDir, enclaveProblem, securitySettingsFromEnv, type SecuritySettings, type SecurityStrategy } from './settings.js';
export { KeystoreError, loadEnclave, type LoadedEnclave } from './keystore.js';
export { RosAccess } from './ros-access.js';
export { enclaveSecurity, type EnclaveSecurityOptions } from './participant.js';
