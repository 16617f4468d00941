// Entry point: pick the gateway (?gateway=, remembered choice, or same origin), start the first reads of a
// deep-linked incident, then load and mount the app. The entry is small on purpose: the reads start as soon as
// it runs, while the app's code (preloaded by index.html, vite.config.ts) is still being fetched and compiled.
import { startEarlyReads } from './api/early-reads';
import { resolveGatewayUrl } from './api/gateway-url';
import './styles.css';

function storage(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

const gateway = resolveGatewayUrl(window.location.search, storage('localStorage'));
startEarlyReads(gateway, window.location.hash, storage('sessionStorage'));
import('./ui/mount').then(
  ({ mount }) => mount(gateway),
  (err: unknown) => {
    // A blank page says nothing: name what failed (an interrupted download, a gateway restarted with another build).
    const root = document.getElementById('app');
    if (root) root.textContent = `The medkit UI could not load its code (${err instanceof Error ? err.message : String(err)}). Reload the page.`;
  },
);
