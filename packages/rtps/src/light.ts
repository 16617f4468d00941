// What a gateway needs of @medkit/rtps before it joins a domain (configuration, the ready summary, default QoS),
// without loading the RTPS stack: with ROS off the stack is never loaded (issue 69: about 60 modules and 0.1–0.2 s
// of start-up CPU). The same modules as the package's root entry re-exports, so the objects are the same.
export type { DiscoveryServerAddress } from './discovery-server-list.js';
export { parseDiscoveryServerList } from './discovery-server-list.js';
export { DEFAULT_QOS } from './qos.js';
export { rtpsAddonError, rtpsAddonPresent } from './native-addon.js';
