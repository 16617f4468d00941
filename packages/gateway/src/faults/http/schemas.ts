// TypeBox schemas of the fault and bulk-data routes that only the gateway has (query strings, path parameters,
// bulk-data categories). The bodies' schemas live with the views that build them, in @medkit/faults' rest-schemas.
import { Type } from '@sinclair/typebox';
export {
  BulkDataDescriptorSchema, FaultAcknowledgementSchema, FaultDetailSchema, FaultListItemSchema, FaultListSchema, FaultSnapshotSchema, FaultSnapshotsSchema,
  SovdFaultStatusSchema,
} from '@medkit/faults';

export const FaultListQuerySchema = Type.Object({
  status: Type.Optional(Type.String({ description: 'pending | confirmed | cleared | healed | all (default: pending + confirmed)' })),
  severity: Type.Optional(Type.String({ description: '[ours] minimum severity: 0–3 or info, warn, error, critical' })),
});

export const GlobalFaultListQuerySchema = Type.Object({
  ...FaultListQuerySchema.properties,
  include_muted: Type.Optional(Type.Boolean({ default: false, description: 'Also list faults muted by correlation (and x-medkit.muted_faults)' })),
  include_clusters: Type.Optional(Type.Boolean({ default: false, description: 'Add x-medkit.clusters' })),
});

export const FaultClearQuerySchema = Type.Object({
  status: Type.Optional(Type.String({ description: 'pending | confirmed | cleared | healed | all (default: pending + confirmed)' })),
});

export const FaultCode = Type.String({ minLength: 1, maxLength: 256, description: 'Fault code' });

export const FaultSnapshotsQuerySchema = Type.Object({
  topic: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only this topic (full name; the leading / may be left out)' })),
});

export const BulkDataCategoriesSchema = Type.Object(
  { items: Type.Array(Type.String()) },
  { title: 'BulkDataCategories', examples: [{ items: ['rosbags', 'calibration'] }] },
);
