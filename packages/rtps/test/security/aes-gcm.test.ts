// Opening AES-GCM protected data (src/security/crypto/aes-gcm.ts): the addon (packages/rtps/native, built by
// `npm run build`) and Node.js's crypto give the same answers on what Node.js's own cipher sealed; a tampered
// ciphertext, tag, IV or AAD is refused; a key stays usable after a refusal; offsets outside their buffers are
// refused, by the TypeScript side and again by the addon itself. Under CI=true the addon must be built.
import { createCipheriv, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { aesGcmAddonError, aesGcmBackend, aesGcmKey, type AesGcmBackend } from '../../src/security/crypto/aes-gcm.js';

interface Sealed {
  key: Buffer;
  /** iv(12) | ciphertext | tag(16), as a protected payload lays them out in one buffer. */
  wire: Buffer;
  plain: Buffer;
  aad: Buffer | undefined;
  ctAt: number;
  tagAt: number;
}

function seal(keyBytes: 16 | 32, plainLength: number, aadLength = 0): Sealed {
  const key = randomBytes(keyBytes);
  const iv = randomBytes(12);
  const plain = randomBytes(plainLength);
  const aad = aadLength > 0 ? randomBytes(aadLength) : undefined;
  const c = createCipheriv(keyBytes === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  if (aad) c.setAAD(aad);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  const wire = Buffer.concat([iv, ct, c.getAuthTag()]);
  return { key, wire, plain, aad, ctAt: 12, tagAt: 12 + ct.length };
}

const open = (backend: AesGcmBackend, s: Sealed, wire = s.wire, aad = s.aad) =>
  aesGcmKey(s.key, backend).open(wire, 0, wire, s.tagAt, s.tagAt > s.ctAt ? wire.subarray(s.ctAt, s.tagAt) : undefined, aad);

const flip = (b: Buffer, at: number): Buffer => {
  const c = Buffer.from(b);
  c[at] ^= 0x80;
  return c;
};

const BACKENDS: AesGcmBackend[] = aesGcmBackend === 'addon' ? ['addon', 'node-crypto'] : ['node-crypto'];

describe('the AES-GCM backend', () => {
  it('is the addon wherever it can be built (required under CI=true)', () => {
    if (aesGcmBackend !== 'addon') {
      console.warn(`\n*** AES-GCM addon not loaded (${aesGcmAddonError}): secured RTPS runs on Node.js's slower crypto. Run \`npm run build\` with a C compiler.\n`);
      if (process.env.CI === 'true') expect.fail(`under CI=true the AES-GCM addon must be built: ${aesGcmAddonError}`);
    }
    expect(aesGcmBackend === 'addon' ? aesGcmAddonError : 'node-crypto').toBe(aesGcmBackend === 'addon' ? undefined : 'node-crypto');
  });
});

describe.each(BACKENDS)('opening with %s', (backend) => {
  it.each([16, 32] as const)('opens what Node.js sealed with a %i-byte key, for every length around the block size', (keyBytes) => {
    for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 1024, 1500, 65536]) {
      const s = seal(keyBytes, n);
      const out = open(backend, s);
      expect(out, `length ${n}`).toEqual(s.plain);
    }
  });

  it('verifies a GMAC (no ciphertext, the data as AAD) and refuses it changed', () => {
    const s = seal(32, 0, 300);
    expect(open(backend, s)).toEqual(Buffer.alloc(0));
    expect(open(backend, s, s.wire, flip(s.aad!, 299))).toBeUndefined();
    expect(aesGcmKey(s.key, backend).open(s.wire, 0, s.wire, s.tagAt, undefined, undefined)).toBeUndefined();
  });

  it('refuses a flipped bit in the ciphertext, the tag, the IV or the AAD, and keeps working after a refusal', () => {
    const s = seal(16, 100, 20);
    const key = aesGcmKey(s.key, backend);
    const openWire = (wire: Buffer, aad = s.aad) => key.open(wire, 0, wire, s.tagAt, wire.subarray(s.ctAt, s.tagAt), aad);
    expect(openWire(flip(s.wire, s.ctAt + 50))).toBeUndefined();
    expect(openWire(flip(s.wire, s.tagAt + 15))).toBeUndefined();
    expect(openWire(flip(s.wire, 3))).toBeUndefined();
    expect(openWire(s.wire, flip(s.aad!, 0))).toBeUndefined();
    expect(openWire(s.wire)).toEqual(s.plain);
    // Another key refuses it.
    expect(aesGcmKey(randomBytes(16), backend).open(s.wire, 0, s.wire, s.tagAt, s.wire.subarray(s.ctAt, s.tagAt), s.aad)).toBeUndefined();
  });

  it('refuses an IV or tag that lies outside its buffer instead of reading past it', () => {
    const s = seal(32, 64);
    const key = aesGcmKey(s.key, backend);
    const ct = s.wire.subarray(s.ctAt, s.tagAt);
    for (const [ivAt, tagAt] of [
      [-1, s.tagAt],
      [s.wire.length - 11, s.tagAt],
      [2 ** 40, s.tagAt],
      [0, s.wire.length - 15],
      [0, -16],
      [0, 2 ** 53],
    ])
      expect(key.open(s.wire, ivAt, s.wire, tagAt, ct, undefined), `${ivAt}/${tagAt}`).toBeUndefined();
    expect(key.open(s.wire, 0, s.wire, s.tagAt, ct, undefined)).toEqual(s.plain);
  });

  it('gives a plaintext of its own: reusing the received buffer does not change it', () => {
    const s = seal(32, 1024);
    const out = open(backend, s)!;
    s.wire.fill(0);
    expect(out).toEqual(s.plain);
  });

  it('refuses a key that is neither 16 nor 32 bytes', () => {
    for (const n of [0, 15, 24, 33]) expect(() => aesGcmKey(Buffer.alloc(n), backend)).toThrow(RangeError);
  });
});

describe.runIf(aesGcmBackend === 'addon')('the addon and Node.js agree', () => {
  it('on 2,000 random messages, tampered half of the time', () => {
    for (let i = 0; i < 2000; i++) {
      const s = seal(i % 2 ? 16 : 32, (i * 37) % 3000, i % 3 === 0 ? i % 64 : 0);
      const wire = i % 2 === 0 ? flip(s.wire, (i * 13) % s.wire.length) : s.wire;
      const a = open('addon', s, wire);
      const b = open('node-crypto', s, wire);
      expect(a, `case ${i}`).toEqual(b);
      if (i % 2 === 1) expect(a).toEqual(s.plain);
    }
  });
});

describe.runIf(aesGcmBackend === 'addon')('the addon called directly', () => {
  // Loaded only when the backend is the addon (a describe's body runs even when it is skipped).
  const addon = (aesGcmBackend === 'addon' ? createRequire(import.meta.url)('../../native/build/Release/medkit_rtps.node') : undefined) as {
    createDecryptContext(key: unknown): unknown;
    open(...args: unknown[]): boolean;
  };
  const s = seal(32, 48);
  const ctx = addon?.createDecryptContext(s.key);
  const ct = s.wire.subarray(s.ctAt, s.tagAt);

  it('opens with a context it made', () => {
    const out = Buffer.alloc(48);
    expect(addon.open(ctx, s.wire, 0, s.wire, s.tagAt, ct, null, out)).toBe(true);
    expect(out).toEqual(s.plain);
  });

  it('checks offsets, lengths and the context itself before touching memory', () => {
    const out = Buffer.alloc(48);
    const cases: unknown[][] = [
      [{}, s.wire, 0, s.wire, s.tagAt, ct, null, out], // not a context of its own
      [ctx, s.wire, s.wire.length - 11, s.wire, s.tagAt, ct, null, out], // IV past the end
      [ctx, s.wire, -1, s.wire, s.tagAt, ct, null, out],
      [ctx, s.wire, 0, s.wire, s.wire.length - 15, ct, null, out], // tag past the end
      [ctx, s.wire, 0, s.wire, s.tagAt, ct, null, Buffer.alloc(47)], // out too short
      [ctx, s.wire, 0, s.wire, s.tagAt, 'text', null, out],
      [ctx, 'iv', 0, s.wire, s.tagAt, ct, null, out],
      [ctx, s.wire, 0, s.wire, s.tagAt, ct, null],
    ];
    for (const args of cases) expect(() => addon.open(...args)).toThrow(TypeError);
    expect(() => addon.createDecryptContext(Buffer.alloc(20))).toThrow(TypeError);
    expect(() => addon.createDecryptContext('0123456789abcdef')).toThrow(TypeError);
    expect(addon.open(ctx, s.wire, 0, s.wire, s.tagAt, ct, null, out)).toBe(true);
  });
});
