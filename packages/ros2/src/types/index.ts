/** ROS 2 interface types: registry, CDR (de)serialization, JSON Schema and validation of the JSON form. */
export { TypeRegistry, type TypeRegistryOptions } from './registry.js';
export type { ActionType, MessageDefinition, MessageDefinitionField, MessageType, PrimitiveType, ServiceType, TypeGraph, TypeLookup } from './model.js';
export { CdrDecodeError, DecodeBudgetError, TypeDefinitionError, UnknownTypeError, UnsupportedEncodingError, ValidationError, type ValidationIssue } from './errors.js';
export type { Decoded, DecodeOptions } from './codec.js';
export type { BytesForm, JsonFormOptions } from './json-codec.js';
export { JSON_SCHEMA_DIALECT, type JsonSchema, type JsonSchemaOptions } from './json-schema.js';
export { padToFour, readPlainCdrHeader, type PlainCdrHeader } from './encapsulation.js';
export type { IndividualTypeDescription, TypeDescription, TypeDescriptionField, TypeDescriptionFieldType } from './type-description.js';
export { bundledInterfacesDir } from './sources.js';
export {
  decodeParticipantEntitiesInfo,
  GID_16_DEFINITION,
  GID_24_DEFINITION,
  GID_TYPE,
  PARTICIPANT_ENTITIES_INFO_TYPE,
  registryWithGidSize,
  type GidSize,
  type ParticipantEntitiesInfoSample,
} from './gid-variants.js';
