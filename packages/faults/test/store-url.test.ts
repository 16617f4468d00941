// A PostgreSQL connection string that cannot work stops start-up naming the key and the reason, never quoting the
// string (it may carry a password). Before, `url=not-a-url` surfaced as "not connected yet" and `getaddrinfo
// ENOTFOUND base` in the log (issue 54).
import { describe, expect, it } from 'vitest';
import { openFaultStore } from '../src/storage/registry.js';

function opening(url: string): () => unknown {
  return () => openFaultStore({ storageType: 'postgresql', postgresql: { url } } as Parameters<typeof openFaultStore>[0]);
}

describe('faults.postgresql.url', () => {
  it('refuses what is not a PostgreSQL connection string, naming the key and why', () => {
    expect(opening('not-a-url')).toThrow(/faults\.postgresql\.url is not a usable connection string: it does not parse as a URL/);
    expect(opening('mysql://qa:s3cretpw@db:3306/x')).toThrow(/the scheme is 'mysql', not postgres or postgresql/);
    expect(opening('postgres:///x')).toThrow(/names no host/);
    // libpq's Unix-socket form has no host part: accepted (and closed again at once).
    const store = opening('postgres:///x?host=/run/postgresql')() as { repository: { close(): unknown } };
    store.repository.close();
    for (const url of ['mysql://qa:s3cretpw@db:3306/x', 'postgres://qa:s3cretpw@/x']) {
      let message = '';
      try {
        opening(url)();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toContain('s3cretpw');
    }
  });
});
