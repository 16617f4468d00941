// Server-Sent Events framing, apart from any server: the gateway's and the fleet's streams write what this makes.
import type { StreamEvent } from './events.js';

/** One event: `event:` line, `id:` line, and data (objects as JSON). */
export type SseEvent = StreamEvent;

/**
 * One event as SSE text: `event:` and `id:` lines, one `data:` line per line of data (objects as JSON), and
 * the blank line that ends it. Formatting once and handing the same text (or its bytes) to many streams with
 * a stream's `sendFrame` saves the per-client formatting and encoding of a broadcast.
 */
export function formatSseEvent(ev: SseEvent): string {
  let text = '';
  if (ev.event) text += `event: ${ev.event}\n`;
  if (ev.id !== undefined) text += `id: ${ev.id}\n`;
  const data = typeof ev.data === 'string' ? ev.data : JSON.stringify(ev.data);
  for (const line of data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

