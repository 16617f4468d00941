// Sends a handler result: a Verbatim body as plain JSON (bypassing the route's response serializer), anything
// else the usual way.
import type { FastifyReply } from 'fastify';
import { Verbatim } from '../sovd/verbatim.js';

export function sendResult(reply: FastifyReply, result: unknown, status = 200): FastifyReply {
  if (result instanceof Verbatim) return reply.code(status).type('application/json; charset=utf-8').serializer(JSON.stringify).send(result.body);
  return reply.code(status).send(result);
}
