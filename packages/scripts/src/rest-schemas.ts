// TypeBox schemas of the REST bodies this package builds (docs/scripts.md): a script execution and an audit record,
// written once. The package's records are `Static<>` of them and the gateway's routes serve them, so a field added
// here is served (response schemas strip unlisted properties) and one missing here does not compile.
import { Type, type Static } from '@sinclair/typebox';
import { Opaque } from '@medkit/kit';

export const EXECUTION_STATUSES = ['prepared', 'running', 'completed', 'failed', 'terminated'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const AUDIT_ACTIONS = ['upload', 'delete', 'start', 'stop', 'forced_termination', 'finish', 'delete_execution'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ScriptExecutionSchema = Type.Object(
  {
    id: Type.String(),
    // Unsafe keeps the served `enum` as it is while the static type names the statuses (a union would serve `anyOf`).
    status: Type.Unsafe<ExecutionStatus>(Type.String({ enum: [...EXECUTION_STATUSES] })),
    progress: Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()]),
    started_at: Type.String(),
    completed_at: Type.Union([Type.String(), Type.Null()]),
    parameters: Type.Union([Opaque('Output: stdout parsed as a JSON object, else {stdout}'), Type.Null()]),
    error: Type.Union([Type.Object({ message: Type.String(), exit_code: Type.Optional(Type.Integer()) }), Type.Null()]),
    'x-medkit': Type.Object(
      {
        script_id: Type.String(),
        entity_id: Type.String(),
        progress_message: Type.Union([Type.String(), Type.Null()]),
        pid: Type.Union([Type.Integer(), Type.Null()]),
        duration_ms: Type.Union([Type.Integer(), Type.Null()]),
        stderr: Type.String(),
        stdout_truncated: Type.Boolean(),
        stderr_truncated: Type.Boolean(),
      },
      { additionalProperties: true },
    ),
  },
  {
    $id: 'ScriptExecution',
    title: 'ScriptExecution',
    examples: [
      {
        id: 'exec_1717123500_0',
        status: 'running',
        progress: 40,
        started_at: '2026-01-15T10:25:00.000Z',
        completed_at: null,
        parameters: null,
        error: null,
        'x-medkit': { script_id: 'script_1717123456_0', entity_id: 'main-computer', progress_message: 'checking /var', pid: 4242, duration_ms: null, stderr: '', stdout_truncated: false, stderr_truncated: false },
      },
    ],
  },
);

export const AuditRecordSchema = Type.Object(
  {
    seq: Type.Integer(),
    timestamp: Type.String(),
    action: Type.Unsafe<AuditAction>(Type.String({ enum: [...AUDIT_ACTIONS] })),
    entity_id: Type.String(),
    script_id: Type.String(),
    execution_id: Type.Union([Type.String(), Type.Null()]),
    client_id: Type.Union([Type.String(), Type.Null()]),
    subject: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
    remote_ip: Type.Union([Type.String(), Type.Null()]),
    /** Execution input (start) or upload metadata (upload); large values are cut. */
    parameters: Type.Unknown(),
    status: Type.Union([Type.Unsafe<ExecutionStatus>(Type.String()), Type.Null()]),
    exit_code: Type.Union([Type.Integer(), Type.Null()]),
    duration_ms: Type.Union([Type.Integer(), Type.Null()]),
    message: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ScriptAuditRecord', title: 'ScriptAuditRecord' },
);

/** The ScriptExecution resource (docs/scripts.md) plus medkit's vendor fields. */
export type ScriptExecution = Static<typeof ScriptExecutionSchema>;
/** Why an execution failed. */
export type ExecutionError = NonNullable<ScriptExecution['error']>;
/** One audit record as stored and served. */
export type AuditRecord = Static<typeof AuditRecordSchema>;
