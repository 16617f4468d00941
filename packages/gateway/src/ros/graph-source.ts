// The entities' RuntimeGraphSource over the live ROS graph. The gateway's own nodes (this process)
// are left out, so the gateway never lists itself as an App.
import type { RuntimeGraphSnapshot, RuntimeGraphSource } from '../entities/runtime/graph-snapshot.js';
import type { RosConnection } from './connection.js';

export function rosGraphSource(ros: Pick<RosConnection, 'graph'>): RuntimeGraphSource {
  return {
    snapshot(): RuntimeGraphSnapshot {
      return ros.graph.snapshot({ includeLocal: false });
    },
    onChange(listener) {
      ros.graph.on('change', listener);
      return () => ros.graph.off('change', listener);
    },
  };
}
