// The Linux introspection built-in plugins (docs/introspection.md), enabled by naming them in `plugins`.
import type { PluginModule } from '@medkit/plugin-api';
import { CONTAINER_PLUGIN, containerModule } from './container-plugin.js';
import { PROCFS_PLUGIN, procfsModule } from './procfs-plugin.js';
import { SYSTEMD_PLUGIN, systemdModule } from './systemd-plugin.js';

export { CONTAINER_PLUGIN, PROCFS_PLUGIN, SYSTEMD_PLUGIN, containerModule, procfsModule, systemdModule };
export type { ProcessIdHints } from './pid-map.js';

/** The three plugins by configuration name: process ids come from the context (beacons report them there). */
export const LINUX_INTROSPECTION_PLUGINS: Readonly<Record<string, () => PluginModule>> = {
  [PROCFS_PLUGIN]: () => procfsModule(),
  [SYSTEMD_PLUGIN]: () => systemdModule(),
  [CONTAINER_PLUGIN]: () => containerModule(),
};
