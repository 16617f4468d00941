// The Linux introspection built-in plugins (gateway.md §5), enabled by naming them in `plugins`.
import type { PluginModule } from '../plugins/contract.js';
import type { ProcessIdHints } from '../plugins/process-hints.js';
import { CONTAINER_PLUGIN, containerModule } from './container-plugin.js';
import { PROCFS_PLUGIN, procfsModule } from './procfs-plugin.js';
import { SYSTEMD_PLUGIN, systemdModule } from './systemd-plugin.js';

export { CONTAINER_PLUGIN, PROCFS_PLUGIN, SYSTEMD_PLUGIN, containerModule, procfsModule, systemdModule };

export const LINUX_INTROSPECTION_PLUGINS: Readonly<Record<string, (deps: { processHints: ProcessIdHints }) => PluginModule>> = {
  [PROCFS_PLUGIN]: (d) => procfsModule(d.processHints),
  [SYSTEMD_PLUGIN]: (d) => systemdModule(d.processHints),
  [CONTAINER_PLUGIN]: (d) => containerModule(d.processHints),
};
