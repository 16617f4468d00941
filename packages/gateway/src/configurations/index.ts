export { createConfigurationsFeature, CONFIGURATIONS_SERVICE, type ConfigurationsFeatureOptions } from './feature.js';
export { ConfigurationsService, MAX_CONFIG_ID, type ConfigValueBody, type ResetResult } from './service.js';
export { NodeParameters, NodeUnavailableError, type InitialValue, type NodeParametersOptions, type NodeSnapshot, type UnavailableReason } from './node-params.js';
export { rosParameterBackend, type ParameterBackend, type ParamValue, type ParamDescriptor, type CallOpts } from './backend.js';
export { PARAMETER_TYPE_STRINGS, fromJsonValue, toJsonValue, type RosParameterValue } from './values.js';
