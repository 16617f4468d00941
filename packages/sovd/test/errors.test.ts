// The factory of coded errors (issue 58): a definition carries its code, status and message template, and a
// SovdError built from it is sent as the table's errors are (a SOVD code as is, an x- code in the vendor envelope).
import { describe, expect, it } from 'vitest';
import { createError, SovdError } from '@medkit/sovd';

describe('createError', () => {
  it('fills the template in order, as Fastify does; a %s without an argument stays', () => {
    const d = createError('x-acme-sensor-offline', "sensor '%s' did not answer within %s ms", 503);
    expect(d).toMatchObject({ code: 'x-acme-sensor-offline', status: 503 });
    expect(d.format('lidar', 250)).toBe("sensor 'lidar' did not answer within 250 ms");
    expect(d.format('lidar')).toBe("sensor 'lidar' did not answer within %s ms");
  });

  it('refuses a malformed code and a status outside 400–599 when it is defined', () => {
    expect(() => createError('X-Acme', 'm', 500)).toThrow(/neither a SOVD code/);
    expect(() => createError('no-such-sovd-code', 'm', 500)).toThrow(/neither a SOVD code/);
    expect(() => createError('x-acme-x', 'm', 302)).toThrow(/not 400–599/);
  });

  it('builds SovdErrors: an x- code in the vendor envelope with its status, a SOVD code as is', () => {
    const offline = createError('x-acme-sensor-offline', "sensor '%s' does not answer", 503);
    const e = new SovdError(offline, offline.format('lidar'), { sensor: 'lidar' });
    expect([e.status, e.toBody()]).toEqual([503, { error_code: 'vendor-error', vendor_code: 'x-acme-sensor-offline', message: "sensor 'lidar' does not answer", parameters: { sensor: 'lidar' } }]);
    expect(new SovdError(offline, 'm', undefined, { status: 502 }).status).toBe(502);
    const busy = createError('precondition-not-fulfilled', 'busy', 409);
    expect(new SovdError(busy, 'busy').toBody()).toEqual({ error_code: 'precondition-not-fulfilled', message: 'busy' });
  });
});
