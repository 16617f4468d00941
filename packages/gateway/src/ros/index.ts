export { createRosFeature, rosOptionsFromConfig, graphCounts, type RosFeatureOptions } from './feature.js';
export { RosConnection, ROS_SERVICE, ROS_GRAPH_SERVICE, GATEWAY_NODE_NAME, type RosConnectionOptions } from './connection.js';
export { rosGraphSource } from './graph-source.js';
export { rosHealth, emptyGraphWarning, EMPTY_GRAPH_GRACE_MS, type RosGraphCounts, type RosState } from './health.js';
export { memberApps, membersVia, isAggregating, entityCache, type MemberSource } from './members.js';
export { messageOf, validationIssues, secToMs } from './call-errors.js';
