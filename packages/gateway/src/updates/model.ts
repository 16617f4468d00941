// Software update packages and their status (docs/updates.md).
import type { UpdateStatusView } from './rest-shape.js';

export type { UpdatePhase, UpdateState, UpdateStatusView } from './rest-shape.js';

/** A registered package: its metadata exactly as registered, and its status. */
export interface UpdatePackage {
  id: string;
  metadata: Record<string, unknown>;
  status: UpdateStatusView;
}

export const ORIGINS = ['remote', 'proximity'] as const;
