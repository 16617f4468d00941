// Fragments received in place: a writer's reassembly (fragment-reassembly.ts) aims the native receiver
// (native-udp.ts, native/udp_placement.c) at the sample it is putting together, so that the kernel writes the
// payloads of the writer's next DATA_FRAGs straight into the sample's buffer instead of into the receive slab,
// from which each was then copied (at 64 KiB samples that copy into cold memory was a seventh of the reader's CPU).
//
// The rule that keeps it safe: an aim only ever covers fragments of its sample that were not received yet, and
// is taken back before that buffer is handed on, given up or reused. The addon checks every predicted datagram
// against the aim after reading it; a datagram that is not what was predicted is handed on whole, as it came,
// so its bytes that landed in the sample only ever sit in fragments still missing, which a later fragment
// overwrites before the sample can complete. Placed bytes count only for the sample that held the buffer when
// they were read (its tenure, recorded by the receiver at the start of each batch): the reassembly may re-aim, or
// give the buffer to another sample, while it handles the earlier datagrams of a batch.

/** A native receiver that can be aimed (NativeUdpReceiver). */
export interface AimableReceiver {
  /**
   * From its next batch on, receive the datagrams `aim` predicts with their payload in `buffer`; null stops it.
   * `tenure` names the sample's hold on that buffer (see batchTenure).
   */
  aim(buffer: Buffer | null, aim?: FragmentAim, tenure?: object): void;
  /**
   * The tenure of the aim in effect when the batch of the datagram being handed on was read: the buffer its placed
   * bytes went into, as held then. A later aim in the same batch (after one of its datagrams) does not change it.
   */
  readonly batchTenure: object | undefined;
}

/** How a writer lays out a DATA_FRAG datagram: where the payload starts in it, and how many fragments it carries. */
export interface DatagramLayout {
  /** Bytes before the DATA_FRAG's payload: the RTPS header, INFO_TS / INFO_DST, the DATA_FRAG's fixed fields. */
  head: number;
  /** Fragments in one datagram. */
  per: number;
}

/** What the receiver is told to expect: the writer's next datagrams of sample `sn`, from fragment `next` on. */
export interface FragmentAim {
  /** The writer's GUID prefix, 12 bytes. */
  prefix: Buffer;
  writerId: number;
  /** Our reader (a DATA_FRAG may also name no reader). */
  readerId: number;
  sn: number;
  fragmentSize: number;
  sampleSize: number;
  /** 1-based first fragment expected. */
  next: number;
  /** The layout of the datagram carrying fragment 1, and of the others. */
  first: DatagramLayout;
  rest: DatagramLayout;
  le: boolean;
  key: boolean;
}

/** The smallest and largest payload offset the addon follows (header 20, INFO_TS / INFO_DST up to 64, DATA_FRAG 36). */
const MIN_HEAD = 56;
const MAX_HEAD = MIN_HEAD + 64;
/** The addon's largest datagram. */
const SLOT = 65536;

/** Whether the addon can follow `layout` for fragments of `fragmentSize` bytes (it refuses any other). */
export function layoutFollowable(layout: DatagramLayout | undefined, fragmentSize: number): layout is DatagramLayout {
  return layout !== undefined && layout.head >= MIN_HEAD && layout.head <= MAX_HEAD && (layout.head - MIN_HEAD) % 4 === 0 && layout.per >= 1 && layout.per * fragmentSize + layout.head <= SLOT;
}

/** Datagrams in a row with fewer fragments before a writer's layout is taken to have changed (see LayoutLearner). */
const LAYOUT_PATIENCE = 3;

/**
 * How one writer lays out its DATA_FRAG datagrams, from their payload offsets and fragment counts: the first
 * datagram's from one carrying fragment 1, the others' from one not carrying the last fragment (when there is one).
 * A layout takes a new payload offset or a larger count at once, a smaller count only after LAYOUT_PATIENCE
 * datagrams in a row agree: a repair carries as few fragments as were missing, and must not make every later
 * prediction fail.
 */
export class LayoutLearner {
  first: DatagramLayout | undefined;
  rest: DatagramLayout | undefined;
  /** Datagrams in a row (first's, others') that carried fewer fragments than the layout says, and how many. */
  private readonly fewer = [0, 0];
  private readonly fewerCount = [0, 0];

  /** A DATA_FRAG whose payload starts `head` bytes into its datagram, carrying fragments [start, start+count) of `total`. */
  observe(head: number, start: number, count: number, total: number): void {
    if (start === 1) this.first = this.adjust(this.first, head, count, 0);
    else if (start + count <= total || !this.rest) this.rest = this.adjust(this.rest, head, count, 1);
  }

  private adjust(layout: DatagramLayout | undefined, head: number, count: number, which: 0 | 1): DatagramLayout {
    if (!layout || layout.head !== head || count > layout.per) {
      this.fewer[which] = 0;
      return { head, per: count };
    }
    if (count === layout.per) {
      this.fewer[which] = 0;
      return layout;
    }
    if (this.fewerCount[which] !== count) {
      this.fewerCount[which] = count;
      this.fewer[which] = 0;
    }
    return ++this.fewer[which] >= LAYOUT_PATIENCE ? { head, per: count } : layout;
  }
}

/**
 * The one aim of a socket, shared by the reassemblies of every writer heard on it: the last one to aim holds it.
 * A reassembly takes it back only while it still holds it.
 */
export class FragmentPlacement {
  private holder: object | undefined;

  constructor(private readonly receiver: AimableReceiver) {}

  aim(holder: object, buffer: Buffer, tenure: object, aim: FragmentAim): void {
    this.holder = holder;
    this.receiver.aim(buffer, aim, tenure);
  }

  release(holder: object): void {
    if (this.holder !== holder) return;
    this.holder = undefined;
    this.receiver.aim(null);
  }

  /** The tenure the current datagram's placed bytes went into (AimableReceiver.batchTenure). */
  batchTenure(): object | undefined {
    return this.receiver.batchTenure;
  }
}

/**
 * Where a DATA_FRAG came from, filled in by the receive path (receive.ts) for a datagram read by the native receiver
 * from a writer linked to one reader, without protection: what its reassembly needs to aim, and how many of its
 * payload bytes are in place already.
 */
export interface FragmentOrigin {
  placement: FragmentPlacement;
  /** The writer's GUID prefix (the receive path's own buffer: copied when kept). */
  prefix: Buffer;
  writerId: number;
  readerId: number;
  /** Where the DATA_FRAG's payload starts in its datagram. */
  head: number;
  le: boolean;
  /** Payload bytes of this DATA_FRAG the receiver put in place (0: none; they are not in `data`). */
  placedBytes: number;
}
