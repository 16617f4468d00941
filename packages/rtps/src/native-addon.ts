// @medkit/rtps's optional addon (native/: AES-GCM with a key set up once, batched UDP receive), built by the
// workspace's `npm run build` (scripts/build-native.mjs). Every user of it has a pure JavaScript fallback: a
// machine without a C compiler, or another CPU architecture than the packaged build's, runs slower, not wrong.
import { createRequire } from 'node:module';

/** The addon's functions (native/addon.c). Arguments are checked again on the C side. */
export interface RtpsAddon {
  createDecryptContext(key: Buffer): unknown;
  open(context: unknown, iv: Buffer, ivAt: number, tag: Buffer, tagAt: number, ciphertext: Buffer | null, aad: Buffer | null, out: Buffer | null): boolean;
  openUdpReceiver(port: number, address: number, receiveBufferSize: number, lengths: Int32Array, addresses: Uint32Array, ports: Uint16Array, placed: Int32Array, aim: Uint32Array, onDatagrams: (slab: Buffer, index: number, offset: number, count: number, last: number) => void): unknown;
  closeUdpReceiver(receiver: unknown): void;
  /** Aims the receiver with the fields in its aim array at `buffer`, or stops it (null); throws on an aim it cannot follow. */
  aimUdpReceiver(receiver: unknown, buffer: Buffer | null): void;
}

/**
 * Where the addon is loaded from: the file MEDKIT_RTPS_ADDON_PATH names when set (another build of the same sources,
 * such as the sanitizer build of scripts/fuzz-native-asan.mjs), else the package's own build.
 */
export const rtpsAddonPath = process.env.MEDKIT_RTPS_ADDON_PATH || '../native/build/Release/medkit_rtps.node';

function load(): { addon: RtpsAddon } | { error: string; missing: boolean } {
  try {
    // From dist/ (or src/ under a TypeScript loader) to the package's native/ folder.
    return { addon: createRequire(import.meta.url)(rtpsAddonPath) as RtpsAddon };
  } catch (err) {
    // Not built here (a checkout without a compiler) is not the same as built and unloadable (a wrong architecture or libc).
    return { error: (err as Error).message.split('\n')[0], missing: (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' };
  }
}

const loaded = load();

/** The addon, or undefined when it is not built or does not load here. */
export const rtpsAddon: RtpsAddon | undefined = 'addon' in loaded ? loaded.addon : undefined;

/** Why the addon is not in use (undefined when it is): for start-up diagnostics and tests. */
export const rtpsAddonError: string | undefined = 'error' in loaded ? loaded.error : undefined;

/** True when the addon's file is there (loaded, or there and failing to load); false when it was never built. */
export const rtpsAddonPresent: boolean = !('missing' in loaded && loaded.missing);
