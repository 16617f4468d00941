// Fastify compiles the success responses only (http/response-schemas.ts); the OpenAPI document keeps every
// declared status. The split must not change what a client sees: the document still lists the error statuses,
// and error bodies keep their full shape (they never went through the route's serializers).
import { describe, expect, it } from 'vitest';
import { servedResponses } from '@medkit/server';
import { startTestGateway } from '../../../../test-support/gateway/gateway.js';

describe('served responses', () => {
  it('one success status becomes "2xx" (not an array index); several stay as declared; errors are left out', () => {
    expect(servedResponses({ 200: 'ok', 400: 'e', 404: 'e' })).toEqual({ '2xx': 'ok' });
    expect(servedResponses({ 200: 'ok', 202: 'accepted', 404: 'e' })).toEqual({ 200: 'ok', 202: 'accepted' });
    expect(servedResponses({ 204: 'none', default: 'e' })).toEqual({ '2xx': 'none' });
    expect(servedResponses({ 200: 'ok' })).toEqual({ '2xx': 'ok' });
  });
  it('leaves alone what needs no change', () => {
    expect(servedResponses({ '2xx': 'ok' })).toBeUndefined();
    expect(servedResponses({ 200: 'a', 201: 'b' })).toBeUndefined();
  });
});

describe('on a gateway', () => {
  it('the document still declares the error statuses, and an error keeps its SOVD body', async () => {
    const g = await startTestGateway({ defaults: true });
    try {
      const doc = (await (await fetch(`${g.url}/api/v1/docs`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      const op = doc.paths['/components/{component_id}']?.get;
      expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404']));
      const missing = await fetch(`${g.url}/api/v1/components/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error_code: 'entity-not-found', message: 'Component not found' });
    } finally {
      await g.close();
    }
  });
});
