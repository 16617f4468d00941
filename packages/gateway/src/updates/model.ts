// Software update packages and their status (docs/updates.md).

export type UpdateState = 'pending' | 'inProgress' | 'completed' | 'failed';
/** `prepared` vs `executed` tells "prepare done" from "install done" (both are status completed). */
export type UpdatePhase = 'none' | 'preparing' | 'prepared' | 'executing' | 'executed' | 'failed' | 'deleting';

interface SubProgress {
  name: string;
  progress: number;
}

/** GET /updates/{id}/status. `error` is a string, as the reference code sends it (docs/migrating.md item 8). */
export interface UpdateStatusView {
  status: UpdateState;
  progress: number;
  sub_progress: SubProgress[];
  error?: string;
  'x-medkit': {
    phase: UpdatePhase;
    /** Latest progress message from the provider (script progress lines). */
    message?: string;
    updated_at: string;
  };
}

/** A registered package: its metadata exactly as registered, and its status. */
export interface UpdatePackage {
  id: string;
  metadata: Record<string, unknown>;
  status: UpdateStatusView;
}

export const ORIGINS = ['remote', 'proximity'] as const;
