// Mounts the robot UI: loaded by the entry (main.tsx) once its early reads are on their way.
import { render } from 'preact';
import { App } from './app';

export function mount(gateway: string): void {
  const root = document.getElementById('app');
  if (root) render(<App initialGateway={gateway} />, root);
}
