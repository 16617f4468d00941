// The deferred request logger (http/request-logger.ts) against a real pino logger: disabled levels write nothing
// and make no child, an enabled one writes with the request's bindings, and a per-route level gets pino's child.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { deferredRequestLoggers, quietRequestLines } from '../../src/http/request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const parent = pino({ level, base: undefined }, stream);
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = ((b: pino.Bindings, o?: pino.ChildLoggerOptions) => {
    children++;
    return child(b, o);
  }) as unknown as typeof parent.child;
  return { parent, lines, children: () => children };
}

describe('deferredRequestLoggers', () => {
  it('writes nothing and makes no child for levels the parent does not write', () => {
    const c = capture('warn');
    const log = deferredRequestLoggers(c.parent, { reqId: 'req-1' }, {});
    log.info({ req: {} }, 'incoming request');
    log.debug('detail');
    log.trace('more');
    expect(c.lines).toEqual([]);
    expect(c.children()).toBe(0);
    expect(log.level).toBe('warn');
  });

  it('writes an enabled level through one child bound to the request', async () => {
    const c = capture('info');
    const log = deferredRequestLoggers(c.parent, { reqId: 'req-2' }, {});
    log.info('incoming request');
    log.error({ statusCode: 500 }, 'failed');
    await new Promise((r) => setImmediate(r));
    expect(c.lines.map((l) => [l.reqId, l.msg, l.level])).toEqual([
      ['req-2', 'incoming request', 30],
      ['req-2', 'failed', 50],
    ]);
    expect(c.lines[1].statusCode).toBe(500);
    expect(c.children()).toBe(1);
    expect(log.child({ extra: 1 })).toBeDefined();
  });

  it("gives a route with its own level pino's child at once", () => {
    const c = capture('warn');
    const log = deferredRequestLoggers(c.parent, { reqId: 'req-3' }, { level: 'debug' });
    expect(c.children()).toBe(1);
    expect(log.level).toBe('debug');
  });
});

describe('quietRequestLines', () => {
  /** A request and reply whose loggers record the level of every line. */
  function pair() {
    const calls: string[] = [];
    const log = { info: () => calls.push('info'), error: () => calls.push('error') };
    const request = { log } as unknown as FastifyRequest;
    const reply = { log, elapsedTime: 1 } as unknown as FastifyReply;
    return { calls, request, reply };
  }

  it('skips the per-request lines when the HTTP logger does not write info, but not a failed response', () => {
    const controller = quietRequestLines(capture('warn').parent);
    const p = pair();
    controller.incomingRequest(p.request, p.reply);
    controller.requestCompleted(null, p.request, p.reply);
    expect(p.calls).toEqual([]);
    controller.requestCompleted(new Error('socket hang up'), p.request, p.reply);
    expect(p.calls).toEqual(['error']);
  });

  it('keeps both lines when the HTTP logger writes info (debug logging)', () => {
    const controller = quietRequestLines(capture('debug').parent);
    const p = pair();
    controller.incomingRequest(p.request, p.reply);
    controller.requestCompleted(null, p.request, p.reply);
    expect(p.calls).toEqual(['info', 'info']);
  });

  it('is what a Fastify server writes through: at debug a request logs its two lines with its id, at warn none', async () => {
    for (const [level, expected] of [['debug', ['incoming request', 'request completed']], ['warn', []]] as const) {
      const c = capture(level);
      const app = Fastify({ loggerInstance: c.parent, childLoggerFactory: deferredRequestLoggers, logController: quietRequestLines(c.parent) });
      app.get('/', async () => ({ ok: true }));
      const res = await app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(c.lines.map((l) => l.msg)).toEqual(expected);
      if (expected.length) expect(new Set(c.lines.map((l) => l.reqId)).size).toBe(1);
      await app.close();
    }
  });
});
