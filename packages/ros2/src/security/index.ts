// @medkit/ros2/security: SROS2 keystores (DDS-Security support): resolve the enclave, load and validate its six
// files, answer access questions in ROS terms, and make throw-away keystores with openssl. Importing this loads pkijs; the gateway
// does so only when ros.security.enabled is true. Settings alone (no crypto) are in ./settings.
export { ENCLAVE_FILES, enclaveDir, enclaveProblem, securitySettingsFromEnv, type SecuritySettings, type SecurityStrategy } from './settings.js';
export { KeystoreError, loadEnclave, type LoadedEnclave } from './keystore.js';
export { RosAccess } from './ros-access.js';
export { enclaveSecurity, type EnclaveSecurityOptions } from './participant.js';
export {
  Sros2KeystoreMaker,
  OpensslError,
  openssl,
  opensslVersion,
  enclaveSubject,
  governanceDocument,
  protectedTopicRule,
  sros2DefaultGovernanceXml,
  permissionsDocument,
  type KeyAlgo,
  type KeystoreMakerOptions,
  type MakeEnclaveOptions,
  type MadeEnclave,
  type DomainSet,
  type TopicRuleSpec,
  type GovernanceSpec,
  type PermissionRuleSpec,
  type PermissionsSpec,
} from './create-keystore.js';
