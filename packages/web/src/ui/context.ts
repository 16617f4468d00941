// What every view can reach: the API client, the sign-in state, the entity tree and the live fault store.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import type { EntityTreeState } from '../state/entity-tree';
import type { FaultStore } from '../state/fault-store';
import type { HealthView } from '../model/health';
import type { AuthView } from '../auth/use-auth';

export interface AppContext {
  client: MedkitClient;
  tree: EntityTreeState & { reload: () => void };
  faults: FaultStore;
  health?: HealthView;
  /** Sign-in state and which controls the caller may use. */
  auth: AuthView;
  /** Opens the gateway connection dialog. */
  openConnection: () => void;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useApp outside the app provider');
  return c;
}
