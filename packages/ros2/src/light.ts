// What a gateway needs of @medkit/ros2 before it joins a domain (configuration checks, limits, SROS2 settings, error
// helpers), without loading the ROS client, its type system and the RTPS stack: with ROS off they are never loaded
// (issue 69: about 140 modules and 0.15–0.25 s of start-up CPU). The same modules as the package's root entry
// re-exports, so the objects are the same.
export { isRosDistro, type RosDistro } from './graph/distro.js';
export { rosFailure, type RosFailure } from './client/failure.js';
export { onAbort } from './client/deadline.js';
export { qosForWriters } from './client/qos-profiles.js';
export { DEFAULT_MAX_DECODED_VALUES, DEFAULT_SAMPLE_BYTES_BY_TYPE, type SampleLimits } from './topics/sample-limits.js';
export { fullNameProblem, nodeFqnProblem, TOPIC_NAME_MAX_LENGTH } from './names/ros-names.js';
export { securitySettingsFromEnv } from './security/settings.js';
