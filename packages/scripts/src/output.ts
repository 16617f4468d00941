// Captured script output: each stream is capped (1 MiB) and stdout is scanned line by line for the
// progress protocol `MEDKIT_PROGRESS <0-100> [message]`; those lines update progress and are not kept.

const MAX_OUTPUT_BYTES = 1024 * 1024;
const PREFIX = 'MEDKIT_PROGRESS';
const PROGRESS_LINE = /^MEDKIT_PROGRESS[ \t]+(\d{1,3}(?:\.\d+)?)(?:[ \t]+(.*?))?[ \t]*\r?$/;
/** A progress line longer than this is treated as ordinary output. */
const MAX_PROGRESS_LINE = 1024;

/** Keeps at most `cap` bytes; remembers whether anything was dropped. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap = MAX_OUTPUT_BYTES) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      if (chunk.length > 0) this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Parses one line; undefined when it is not a well-formed progress line. */
export function parseProgressLine(line: string): { progress: number; message: string | null } | undefined {
  const m = PROGRESS_LINE.exec(line);
  if (!m) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value) || value > 100) return undefined;
  return { progress: Math.round(value), message: m[2] ? m[2] : null };
}

/**
 * Splits stdout into lines just far enough to recognise progress lines. Text that cannot be the
 * start of a progress line is passed through at once, so a long line without a newline is never
 * buffered beyond MAX_PROGRESS_LINE bytes.
 */
export class ProgressFilter {
  /** Bytes of the current line held back because it may be a progress line. */
  private pending = Buffer.alloc(0);
  /** The current line has already been passed through (it is not a progress line). */
  private passing = false;

  constructor(
    private readonly out: (chunk: Buffer) => void,
    private readonly onProgress: (progress: number, message: string | null) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      this.piece(chunk.subarray(start, end), nl !== -1);
      start = end;
    }
  }

  /** Flushes a final line that had no newline. */
  end(): void {
    if (this.pending.length > 0) this.finishLine(this.pending);
    this.pending = Buffer.alloc(0);
    this.passing = false;
  }

  private piece(part: Buffer, endsLine: boolean): void {
    if (this.passing) {
      this.out(part);
    } else {
      this.pending = this.pending.length === 0 ? Buffer.from(part) : Buffer.concat([this.pending, part]);
      const head = this.pending.subarray(0, PREFIX.length).toString('latin1');
      if (!PREFIX.startsWith(head) || this.pending.length > MAX_PROGRESS_LINE) {
        // Cannot be a progress line: release what was held and pass the rest of the line through.
        this.out(this.pending);
        this.pending = Buffer.alloc(0);
        this.passing = true;
      } else if (endsLine) {
        this.finishLine(this.pending);
        this.pending = Buffer.alloc(0);
      }
    }
    if (endsLine) this.passing = false;
  }

  private finishLine(line: Buffer): void {
    const parsed = parseProgressLine(line.toString('utf8').replace(/\n$/, ''));
    if (parsed) this.onProgress(parsed.progress, parsed.message);
    else this.out(line);
  }
}
