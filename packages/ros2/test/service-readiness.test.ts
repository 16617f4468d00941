// Which servers a service client takes as ready (docs/ros2.md, "A call goes to a server that can answer it"). The
// endpoints are fakes holding only what readiness reads (matches and match evidence), so each half of the evidence
// can be given alone; peers-interop.test.ts calls real Cyclone DDS and Fast DDS servers.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VendorId, type EndpointData, type Guid } from '@medkit/rtps';
import type { EndpointHost } from '../src/client/endpoint-host.js';
import { ServiceClient } from '../src/services/service-client.js';
import { TypeRegistry } from '../src/types/index.js';

class FakeEndpoint extends EventEmitter {
  readonly matches = new Map<Guid, EndpointData>();
  readonly heard = new Set<Guid>();
  readonly guid: Guid;
  constructor(guid: Guid) {
    super();
    this.guid = guid;
  }
  heardFrom(g: Guid): boolean {
    return this.heard.has(g);
  }
  close(): void {}
}

const SERVER = 'aa'.repeat(12);
const REQUEST_READER = `${SERVER}00000104`;
const REPLY_WRITER = `${SERVER}00000203`;

function setUp(vendorId: number) {
  const writer = new FakeEndpoint(`${'bb'.repeat(12)}00000103`);
  const reader = new FakeEndpoint(`${'bb'.repeat(12)}00000204`);
  const host = {
    name: 'caller',
    namespace: '/',
    fqn: '/caller',
    types: new TypeRegistry({ amentPrefixPath: '' }),
    resolveName: (n: string) => (n.startsWith('/') ? n : `/${n}`),
    nextRmwId: () => '01.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0',
    createWriter: () => writer,
    createReader: () => reader,
  } as unknown as EndpointHost;
  const client = new ServiceClient(host, '/add_two_ints', 'example_interfaces/srv/AddTwoInts');
  writer.matches.set(REQUEST_READER, { vendorId } as EndpointData);
  reader.matches.set(REPLY_WRITER, { vendorId } as EndpointData);
  return { client, writer, reader };
}

describe('service client readiness', () => {
  for (const [name, vendorId] of [['Fast DDS', VendorId.FAST_DDS], ['Cyclone DDS', VendorId.CYCLONE_DDS]] as const) {
    it(`takes a ${name} server only once both its request reader and its reply writer have been heard`, async () => {
      const { client, writer, reader } = setUp(vendorId);
      expect(client.isServiceReady()).toBe(false);
      // The server took our request writer but has not matched our reply reader: its answer would be dropped.
      writer.heard.add(REQUEST_READER);
      writer.emit('heard', REQUEST_READER);
      expect(client.isServiceReady()).toBe(false);
      const waiting = client.waitForService({ timeoutMs: 5000 });
      reader.heard.add(REPLY_WRITER);
      reader.emit('heard', REPLY_WRITER);
      await expect(waiting).resolves.toMatchObject({ requestReader: REQUEST_READER, replyWriter: REPLY_WRITER });
      expect(client.isServiceReady()).toBe(true);
    });
  }

  it('does not take a server whose reply writer alone was heard, and says why when the wait ends', async () => {
    const { client, reader } = setUp(VendorId.FAST_DDS);
    reader.heard.add(REPLY_WRITER);
    await expect(client.waitForService({ timeoutMs: 50 })).rejects.toThrow(/none ready \(its request reader has not acknowledged/);
  });

  it('says which half of the evidence a server lacks, or that its reply writer is unknown', async () => {
    const { client, writer, reader } = setUp(VendorId.FAST_DDS);
    writer.heard.add(REQUEST_READER);
    await expect(client.waitForService({ timeoutMs: 50 })).rejects.toThrow(/its reply writer has not heartbeated our reply reader/);
    reader.matches.clear();
    await expect(client.waitForService({ timeoutMs: 50 })).rejects.toThrow(/its reply writer is not discovered/);
  });
});
