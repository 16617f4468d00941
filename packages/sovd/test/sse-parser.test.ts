// The bounded SSE parser on hostile and fragmented input: every line ending, chunk boundaries inside
// CRLF and inside multi-byte characters, comments, ids without data, retry, and oversized lines and
// events that are dropped (their id still counts) without buffering them.
import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from '@medkit/sovd';

function run(chunks: (string | Uint8Array)[], limits = { maxLineBytes: 1024, maxEventBytes: 4096 }, lastEventId?: string) {
  const messages: SseMessage[] = [];
  const dropped: string[] = [];
  const retries: number[] = [];
  const p = new SseParser(limits, { message: (m) => messages.push(m), oversized: (w, l) => dropped.push(`${w}>${l}`), retry: (ms) => retries.push(ms) }, lastEventId);
  for (const c of chunks) p.push(typeof c === 'string' ? new TextEncoder().encode(c) : c);
  return { messages, dropped, retries, lastEventId: p.lastEventId };
}

describe('SSE parser', () => {
  it('parses named events with ids, multi-line data, comments and all three line endings', () => {
    const r = run([':keepalive\n\nid: 7\nevent: fault_confirmed\ndata: {"a":1}\n\n', 'data: line1\r\ndata:line2\r\rid:9\ndata: x\n\n']);
    expect(r.messages).toEqual([
      { id: '7', event: 'fault_confirmed', data: '{"a":1}' },
      { id: '7', event: 'message', data: 'line1\nline2' },
      { id: '9', event: 'message', data: 'x' },
    ]);
    expect(r.lastEventId).toBe('9');
  });

  it('is indifferent to where chunks split: inside CRLF, a field name, or a UTF-8 character', () => {
    const text = 'id: 1\r\nevent: e\r\ndata: grüße ✓\r\n\r\n';
    const bytes = new TextEncoder().encode(text);
    const whole = run([bytes]).messages;
    expect(whole).toEqual([{ id: '1', event: 'e', data: 'grüße ✓' }]);
    for (let cut = 1; cut < bytes.length; cut++) expect(run([bytes.subarray(0, cut), bytes.subarray(cut)]).messages).toEqual(whole);
    expect(run([...bytes].map((b) => Uint8Array.of(b))).messages).toEqual(whole);
  });

  it('keeps an id without data for the resume, ignores ids with NUL, and reports retry', () => {
    const r = run(['id: 41\n\n', 'id: bad\0id\nretry: 2500\nretry: soon\n\n'], undefined, '3');
    expect(r.messages).toEqual([]);
    expect(r.lastEventId).toBe('41');
    expect(r.retries).toEqual([2500]);
  });

  it('drops a line over the limit without buffering it, with the rest of its event, and keeps its id', () => {
    const long = 'x'.repeat(5000);
    const r = run([`id: 5\ndata: ${long.slice(0, 2000)}`, `${long.slice(2000)}\ndata: tail\n\nid: 6\ndata: ok\n\n`]);
    expect(r.dropped).toEqual(['line>1024']);
    expect(r.messages).toEqual([{ id: '6', event: 'message', data: 'ok' }]);
  });

  it('drops an event whose data lines together pass the event limit', () => {
    const line = `data: ${'y'.repeat(900)}\n`;
    const r = run([`id: 1\n${line.repeat(3)}\n`, `id: 2\n${line.repeat(6)}\n`, 'id: 3\ndata: small\n\n'], { maxLineBytes: 1024, maxEventBytes: 4096 });
    expect(r.messages.map((m) => m.id)).toEqual(['1', '3']);
    expect(r.dropped).toEqual(['event>4096']);
    expect(r.lastEventId).toBe('3');
  });

  it('ends no event at the end of input without a blank line', () => {
    expect(run(['data: partial\n']).messages).toEqual([]);
  });
});
