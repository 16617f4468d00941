// Entry point: pick the gateway (?gateway=, remembered choice, or same origin) and mount the app.
import { render } from 'preact';
import { resolveGatewayUrl } from './api/gateway-url';
import { App } from './ui/app';
import './styles.css';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const root = document.getElementById('app');
if (root) render(<App initialGateway={resolveGatewayUrl(window.location.search, storage())} />, root);
