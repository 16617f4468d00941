// Configurations = ROS parameters (docs/resources.md): list, read, set, reset one or all.
import type { ToolDeclaration } from './declaration.js';
import { anyEntity, id, jsonValue, o } from './schemas.js';

const one = { ...anyEntity, config_id: id('configuration id') };
const CONF = '/{entity_type}/{entity_id}/configurations';
/** The reference names a parameter `param_name`. */
const aliases = { param_name: 'config_id' };

export const CONFIGURATION_TOOLS: ToolDeclaration[] = [
  { name: 'list_configurations', title: 'List configurations', description: 'The configurations (ROS parameters) of an entity with their values.', method: 'GET', path: CONF, input: anyEntity, output: { items: o.items }, mutating: false },
  { name: 'get_configuration', title: 'Read a configuration', description: 'One configuration (ROS parameter) value.', method: 'GET', path: `${CONF}/{config_id}`, input: one, aliases, output: { id: o.str, data: o.any }, mutating: false },
  {
    name: 'set_configuration',
    title: 'Set a configuration',
    description: "Sets one configuration (ROS parameter); value is a JSON value whose type matches the parameter's (0.02 for a double, not \"0.02\").",
    method: 'PUT',
    path: `${CONF}/{config_id}`,
    input: { ...one, value: jsonValue },
    aliases,
    body: { kind: 'json', fields: { data: 'value' } },
    output: { id: o.str, data: o.any },
    mutating: true,
  },
  { name: 'delete_configuration', title: 'Reset a configuration', description: 'Resets one configuration to its default.', method: 'DELETE', path: `${CONF}/{config_id}`, input: one, aliases, output: {}, mutating: true },
  { name: 'delete_all_configurations', title: 'Reset all configurations', description: 'Resets every configuration of an entity to its default.', method: 'DELETE', path: CONF, input: anyEntity, output: {}, mutating: true },
];
