// The graph built-ins (docs/graph.md): `graph_provider` serves each Function's topic graph with live rates,
// `graph_watchdog` raises faults when the graph breaks its expectations. Both read the ROS graph through
// the plugin context.
export { GRAPH_CAPABILITY, GraphProviderPlugin, graphProviderModule } from './provider/plugin.js';
export { GraphWatchdogPlugin, graphWatchdogModule } from './watchdog/plugin.js';
