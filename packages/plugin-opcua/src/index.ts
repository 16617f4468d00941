// The built-in `opcua` plugin module (docs/opcua.md): the same exports a plugin file has (docs/plugins.md).
// Loaded only when `plugins` lists `opcua`; the OPC-UA library itself is imported in configure().
import { PLUGIN_API_VERSION, type MedkitPlugin, type PluginModule } from '@medkit/plugin-api';
import { OPCUA_CONFIG_KEYS } from './config.js';
import { OPCUA_ERROR_CODES } from './errors.js';
import { OpcuaPlugin } from './plugin.js';
import { plcRouteDocs } from './routes.js';

export const pluginApiVersion = PLUGIN_API_VERSION;
export const configKeys: PluginModule['configKeys'] = OPCUA_CONFIG_KEYS;
export const errorCodes: PluginModule['errorCodes'] = OPCUA_ERROR_CODES;
export const createPlugin = (): MedkitPlugin => new OpcuaPlugin();
export const getIntrospectionProvider: PluginModule['getIntrospectionProvider'] = (p) => p as OpcuaPlugin;
export const getDataProvider: PluginModule['getDataProvider'] = (p) => p as OpcuaPlugin;
export const getOperationProvider: PluginModule['getOperationProvider'] = (p) => p as OpcuaPlugin;
export const describePluginRoutes: PluginModule['describePluginRoutes'] = () => plcRouteDocs();
