// The bounded SSE parser on hostile and fragmented input: every line ending, chunk boundaries inside
// CRLF and inside multi-byte characters, comments, ids without data, retry, and oversized lines and
// events that are dropped (their id still counts) without buffering them. The cases of the gateway's own
// parser, which this one replaced (issue 58), are here too: a cut message forgotten on reset, and a sink
// that ends the connection on an oversized event by throwing.
import { describe, expect, it } from 'vitest';
import { SseParser, type SseLimits, type SseMessage, type SseSink } from '@medkit/sovd';

const LIMITS: SseLimits = { maxLineBytes: 1024, maxEventBytes: 4096 };
const bytes = (s: string) => new TextEncoder().encode(s);

/** A parser whose sink records what it hears; `sink` replaces its callbacks. */
function parser(limits = LIMITS, lastEventId?: string, sink: Partial<SseSink> = {}) {
  const messages: SseMessage[] = [];
  const dropped: string[] = [];
  const retries: number[] = [];
  const p = new SseParser(limits, { message: (m) => messages.push(m), oversized: (w, l) => dropped.push(`${w}>${l}`), retry: (ms) => retries.push(ms), ...sink }, lastEventId);
  const push = (c: string | Uint8Array) => p.push(typeof c === 'string' ? bytes(c) : c);
  return { p, push, messages, dropped, retries };
}

function run(chunks: (string | Uint8Array)[], limits = LIMITS, lastEventId?: string) {
  const r = parser(limits, lastEventId);
  for (const c of chunks) r.push(c);
  return { messages: r.messages, dropped: r.dropped, retries: r.retries, lastEventId: r.p.lastEventId };
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
    const all = bytes(text);
    const whole = run([all]).messages;
    expect(whole).toEqual([{ id: '1', event: 'e', data: 'grüße ✓' }]);
    for (let cut = 1; cut < all.length; cut++) expect(run([all.subarray(0, cut), all.subarray(cut)]).messages).toEqual(whole);
    expect(run([...all].map((b) => Uint8Array.of(b))).messages).toEqual(whole);
  });

  it('parses events split across chunks, CRLF, comments, multi-line data, ids and retry', () => {
    const r = parser();
    r.push(':ok\r\n\r\nid: 4\r\nevent: fault_confirmed\r\ndata: {"a":\r');
    expect(r.messages).toEqual([]);
    r.push('\ndata: 1}\r\n\r\nretry: 500\ndata: plain\n\n');
    expect(r.messages).toEqual([
      { id: '4', event: 'fault_confirmed', data: '{"a":\n1}' },
      // The id in force, as EventSource's lastEventId (the gateway's parser gave an event only its own id).
      { id: '4', event: 'message', data: 'plain' },
    ]);
    expect(r.p.lastEventId).toBe('4');
    expect(r.retries).toEqual([500]);
  });

  it('keeps an id without data for the resume, ignores ids with NUL, and reports retry', () => {
    const r = run(['id: 41\n\n', 'id: bad\0id\nretry: 2500\nretry: soon\n\n'], undefined, '3');
    expect(r.messages).toEqual([]);
    expect(r.lastEventId).toBe('41');
    expect(r.retries).toEqual([2500]);
  });

  it('forgets a message cut by a lost connection on reset, and keeps the last id', () => {
    const r = parser();
    r.push('id: 7\ndata: half of a message cut by a lost conn');
    r.p.reset();
    r.push('ection\n\ndata: next\n\n');
    expect(r.messages).toEqual([{ id: '7', event: 'message', data: 'next' }]);
    expect(r.p.lastEventId).toBe('7');
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

  it('reports a line as it passes the bound, not at its end, which a hostile server may never send', () => {
    const r = parser();
    r.push(`data: ${'x'.repeat(2000)}`);
    expect(r.dropped).toEqual(['line>1024']);
    r.push('x'.repeat(2000));
    expect(r.dropped).toEqual(['line>1024']);
  });

  it('stops at a sink that throws on an oversized event, and reads again after reset', () => {
    const r = parser(LIMITS, undefined, {
      oversized: (what, limit) => {
        throw new Error(`${what} longer than ${limit}`);
      },
    });
    expect(() => r.push(`data: first\n\ndata: ${'x'.repeat(2000)}\n\ndata: after\n\n`)).toThrow('line longer than 1024');
    r.p.reset();
    expect(() => r.push(`${`data: ${'y'.repeat(900)}\n`.repeat(5)}\ndata: after\n\n`)).toThrow('event longer than 4096');
    r.p.reset();
    r.push('data: again\n\n');
    expect(r.messages.map((m) => m.data)).toEqual(['first', 'again']);
  });

  it('ends no event at the end of input without a blank line', () => {
    expect(run(['data: partial\n']).messages).toEqual([]);
  });

  it("copies what it keeps of a chunk, so a caller may reuse the chunk's memory, also a Node.js Buffer's", () => {
    const r = parser();
    const chunk = Buffer.from('data: abc');
    r.push(chunk);
    chunk.fill(0x7a);
    r.push('\n\n');
    expect(r.messages.map((m) => m.data)).toEqual(['abc']);
  });
});
