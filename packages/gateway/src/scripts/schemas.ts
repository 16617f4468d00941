// TypeBox schemas of the script routes (docs/scripts.md) and the audit route ([ours]).
import { Type } from '@sinclair/typebox';
import { Collection, EntityId, GenericError } from '@medkit/server';
// The bodies the scripts package builds (an execution, an audit record) have their schemas there.
import { AUDIT_ACTIONS, AuditRecordSchema } from '@medkit/scripts';
export { AuditRecordSchema, ScriptExecutionSchema } from '@medkit/scripts';
import { ScriptMetadata } from './rest-shape.js';
export { ScriptMetadata };

export const ScriptIdParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,256}$', description: 'Script id', examples: ['script_1717123456_0'] });
export const ExecutionIdParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,256}$', description: 'Execution id', examples: ['exec_1717123500_0'] });

export const ScriptList = Collection(Type.Ref(ScriptMetadata), { title: 'ScriptList' });

export const UploadResult = Type.Object({ id: Type.String(), name: Type.String() }, { examples: [{ id: 'script_1717123456_0', name: 'Disk Check' }] });

export const StartBody = Type.Object(
  {
    execution_type: Type.String({ description: 'now | on_restart | now_and_on_restart | once_on_restart (built-in: now only)' }),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Input, checked against parameters_schema' })),
    proximity_response: Type.Optional(Type.String()),
  },
  { examples: [{ execution_type: 'now', parameters: { threshold: 90 } }] },
);

export const ControlBody = Type.Object({ action: Type.Union([Type.Literal('stop'), Type.Literal('forced_termination')]) }, { examples: [{ action: 'stop' }] });

export const AuditList = Collection(Type.Ref(AuditRecordSchema), { title: 'ScriptAuditList' });

export const AuditQuerySchema = Type.Object({
  script_id: Type.Optional(ScriptIdParam),
  execution_id: Type.Optional(ExecutionIdParam),
  client_id: Type.Optional(Type.String({ maxLength: 256 })),
  action: Type.Optional(Type.String({ enum: [...AUDIT_ACTIONS] })),
  since: Type.Optional(Type.String({ description: 'ISO 8601 timestamp; only records at or after it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

export const GlobalAuditQuerySchema = Type.Composite([AuditQuerySchema, Type.Object({ entity_id: Type.Optional(EntityId('Entity id')) })]);

export const SCRIPT_ERRORS = { 400: GenericError, 404: GenericError, 409: GenericError, 501: GenericError } as const;

/** The multipart form of a script upload (documented only; the multipart parser reads it). */
export const ScriptUploadForm = Type.Object(
  {
    file: Type.String({ format: 'binary', description: 'The script file' }),
    metadata: Type.Optional(Type.String({ description: 'JSON text: name, description, parameters_schema, timeout_sec, format, args, env', contentMediaType: 'application/json' })),
  },
  { title: 'ScriptUpload' },
);
