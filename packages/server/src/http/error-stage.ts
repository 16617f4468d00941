// The last stage of every request: turns thrown errors, validation failures, unmatched routes and
// socket-level client errors into SOVD GenericError bodies (docs/api.md).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { HttpApp } from './app-types.js';
import { SovdError, errorBody, type GenericErrorBody } from '@medkit/sovd';
import { isValueError } from './validation.js';
import { OAuthError } from '../auth/errors.js';
import { FailureLog } from './failure-log.js';

/** Client-supplied values quoted back in an error body are cut to this many characters. */
const MAX_ECHO = 256;
const echo = (v: unknown): unknown => (typeof v === 'string' && v.length > MAX_ECHO ? `${v.slice(0, MAX_ECHO)}…` : v);

function fromFastifyError(err: FastifyError, request: FastifyRequest): SovdError {
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const first = err.validation[0];
    const field = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    if (where === 'params') {
      // Path parameter format errors (entity ids etc.) are `invalid-parameter` with the offending value.
      const name = field ?? 'id';
      const value = (request.params as Record<string, unknown> | undefined)?.[name];
      return new SovdError('invalid-parameter', `Invalid ${name.replace(/_/g, ' ')}`, {
        details: `${name} ${first?.message ?? 'is invalid'}; ids are 1–256 characters of A–Z, a–z, 0–9, _ and -`,
        [name]: echo(value),
      });
    }
    if (where === 'querystring') {
      return new SovdError('invalid-parameter', `Invalid query parameter ${field ?? ''}`.trim(), {
        details: err.message,
        ...(field ? { parameter: field } : {}),
      });
    }
    // A number outside its documented range is a bad parameter; a wrong type or a missing field is a
    // malformed body (docs/api.md).
    return new SovdError(isValueError(first?.keyword) ? 'invalid-parameter' : 'invalid-request', `Invalid request body: ${field ? `${field} ` : ''}${first?.message ?? err.message}`, {
      details: err.message,
      ...(field ? { field, parameter: field } : {}),
    });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SovdError('payload-too-large', 'Request body is larger than the configured limit', { details: err.message });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new SovdError('invalid-request', 'Unsupported content type', {
        details: 'send application/json (or multipart/form-data on upload routes)',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SovdError('invalid-request', 'Request body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new SovdError('invalid-request', 'Malformed JSON in request body');
    // Router errors quote the whole URL in their message: answer without it.
    case 'FST_ERR_BAD_URL':
      return new SovdError('invalid-parameter', 'Malformed URL (bad percent-encoding)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new SovdError('x-medkit-uri-too-long', 'A path parameter is longer than the configured URL limit');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SovdError('invalid-request', 'Content-Length does not match the body');
  }
  // JSON.parse SyntaxErrors raised by the body parser carry statusCode 400; their message quotes the body.
  if (err.statusCode === 400 && err instanceof SyntaxError) {
    return new SovdError('invalid-request', 'Malformed JSON in request body');
  }
  if (err.statusCode === 413) return new SovdError('payload-too-large', 'Request body is larger than the configured limit');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's messages may quote the request; the code says what went wrong without it.
    return new SovdError('invalid-request', 'Request rejected', err.code ? { details: err.code } : undefined, { status: err.statusCode });
  }
  return new SovdError('internal-error', 'Internal server error', { details: err.message });
}

/** Any error reaching an error handler as the SovdError it is answered with (status, headers, safe message). */
export function toSovdError(error: FastifyError | SovdError, request: FastifyRequest): SovdError {
  return error instanceof SovdError ? error : fromFastifyError(error, request);
}

/**
 * Renders any error as a SOVD body. Server errors are logged once per cause per interval (http/failure-log.ts):
 * a SovdError medkit raised on purpose (a dead node, a timeout) as a warning without a stack, anything else at
 * error level with its stack. Client errors, and 501 for what medkit does not implement (an answer, not a
 * failure), at info, so a fuzzer cannot flood the log.
 */
export function sendError(error: FastifyError | SovdError | OAuthError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof OAuthError) {
    // Authentication answers use the OAuth2 body (docs/api.md), never echoing the presented credential.
    request.log.info({ status: error.status, error: error.code }, 'request refused by authentication');
    reply.status(error.status).headers({ ...error.headers, 'cache-control': 'no-store' }).type('application/json').serializer(JSON.stringify).send(error.toBody());
    return;
  }
  const sovd = toSovdError(error, request);
  if (sovd.status >= 500 && sovd.status !== 501) logServerFailure(error, sovd, request);
  else request.log.info({ status: sovd.status, error_code: sovd.vendorCode ?? sovd.code }, 'request rejected');
  if (sovd.headers) reply.headers(sovd.headers);
  // Error replies bypass route response schemas so every body keeps its full shape.
  reply.status(sovd.status).type('application/json').serializer(JSON.stringify).send(sovd.toBody());
}

/** Each server's own failure log (several gateways may share a process, as in the tests). */
const failureLogs = new WeakMap<object, FailureLog>();
function failureLogOf(request: FastifyRequest): FailureLog {
  let log = failureLogs.get(request.server);
  if (log === undefined) failureLogs.set(request.server, (log = new FailureLog()));
  return log;
}

function logServerFailure(error: FastifyError | SovdError, sovd: SovdError, request: FastifyRequest): void {
  const expected = error instanceof SovdError;
  const route = request.routeOptions?.url ?? '(no route)';
  const cause = `${sovd.status} ${sovd.vendorCode ?? sovd.code} ${route}${expected ? '' : ` ${error.name}: ${error.message.slice(0, 120)}`}`;
  const decision = failureLogOf(request).note(cause);
  if (decision === undefined) return;
  const fields = { status: sovd.status, error_code: sovd.vendorCode ?? sovd.code, route, repeated: decision.repeated };
  if (expected) request.log.warn({ ...fields, reason: sovd.message }, 'request failed');
  else request.log.error({ ...fields, err: error }, 'request failed');
}

export function installErrorStage(app: HttpApp): void {
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((_request, reply) => {
    reply
      .status(404)
      .type('application/json')
      .serializer(JSON.stringify)
      .send({ error_code: 'resource-not-found', message: 'Resource not found', parameters: { status: 404 } } satisfies GenericErrorBody);
  });
}

/** Socket-level errors (oversized headers, slow clients, garbage) answered before any route runs. */
export function clientErrorHandler(this: { log: { trace(o: object, m: string): void } }, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status: number;
  let body: GenericErrorBody;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = errorBody('x-medkit-request-timeout', 'The request was not received completely within the request timeout');
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = errorBody('x-medkit-header-too-large', 'Request headers are larger than the configured limit');
  } else {
    status = 400;
    body = errorBody('invalid-request', 'Malformed HTTP request');
  }
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
