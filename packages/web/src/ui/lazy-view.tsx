// A view whose code is a chunk of its own: a loading note while the chunk comes, and if it cannot come (a lost
// connection, a gateway restarted with another build) an error that says so with a retry, never a blank area.
import type { ComponentChildren } from 'preact';
import { errorText } from './errors';
import { useModuleState } from './lazy';

export function LazyView<T>({ load, what, loading, children }: { load: () => Promise<T>; what: string; loading?: ComponentChildren; children: (mod: T) => ComponentChildren }) {
  const { mod, error, retry } = useModuleState(load);
  if (mod) return <>{children(mod)}</>;
  if (error !== undefined) {
    return (
      <p class="error" role="alert" data-testid="lazy-load-error">
        Could not load {what} ({errorText(error)}).{' '}
        <button type="button" class="link-button" onClick={retry}>
          Try again
        </button>
      </p>
    );
  }
  return <>{loading ?? <p class="muted small" aria-busy="true">Loading {what}…</p>}</>;
}
