// RTPS Time_t / Duration_t: int32 seconds + uint32 fraction (2^-32 s).

export interface RtpsTime {
  sec: number;
  /** Nanoseconds 0..999999999 (converted from the wire's 2^-32 fraction). */
  nanosec: number;
}

const TIME_INFINITE_SEC = 0x7fffffff;
const TIME_INFINITE_FRAC = 0xffffffff;

export function fractionToNanos(frac: number): number {
  return Math.min(999_999_999, Math.round((frac >>> 0) * 1e9 / 4294967296));
}

export function nanosToFraction(ns: number): number {
  return Math.min(0xffffffff, Math.round(ns * 4294967296 / 1e9)) >>> 0;
}

/** Seconds (float, Infinity allowed) → wire pair. */
export function secondsToWire(seconds: number): [number, number] {
  if (!Number.isFinite(seconds) || seconds >= TIME_INFINITE_SEC) return [TIME_INFINITE_SEC, TIME_INFINITE_FRAC];
  const s = Math.floor(seconds);
  return [s, nanosToFraction((seconds - s) * 1e9)];
}

/** Wire pair → seconds (Infinity for the infinite duration). */
export function wireToSeconds(sec: number, frac: number): number {
  if (sec === TIME_INFINITE_SEC && (frac >>> 0) === TIME_INFINITE_FRAC) return Infinity;
  if (sec === TIME_INFINITE_SEC) return Infinity;
  return sec + (frac >>> 0) / 4294967296;
}

export function nowTime(): RtpsTime {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nanosec: (ms % 1000) * 1e6 };
}
