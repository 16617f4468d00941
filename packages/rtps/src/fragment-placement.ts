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
  /** The aim it was last given, a copy (undefined: none): for hostile tests and the fuzzer. */
  readonly currentAim?: FragmentAim;
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

/**
 * Regular samples in a row that must agree on a new layout before it replaces the one learned (the first one learned
 * is taken from one sample): a single forged datagram can make at most one sample look regular in another layout.
 */
export const LAYOUT_CONFIRMATIONS = 2;

/**
 * How the datagrams of one sample were laid out, noted while it is reassembled. The sample is regular while every
 * DATA_FRAG that brought anything brought exactly the fragments it claimed, all new, each datagram starting where the
 * one before ended, and the datagrams between the first and the last agree (payload offset and count). A repair, a
 * duplicate that overlaps, fragments out of order, or a DATA_FRAG claiming more fragments than it carries (a forged
 * count of 65,535) makes it irregular: it then teaches nothing. A datagram that brought nothing is not looked at.
 */
export class SampleShape {
  regular = true;
  /** The fragment the next datagram must start at. */
  private next = 1;
  /** Payload offset and fragment count of the datagram carrying fragment 1, of those between, and of the last (-1: none). */
  firstHead = -1;
  firstPer = -1;
  restHead = -1;
  restPer = -1;
  lastHead = -1;
  lastPer = -1;

  /**
   * One DATA_FRAG of the sample (`total` fragments): its payload starts `head` bytes into its datagram (-1: not known,
   * or not fixed), it claimed fragments [start, start+count) and `brought` of them were new and whole.
   */
  note(head: number, start: number, count: number, brought: number, total: number): void {
    if (brought === 0 || !this.regular) return;
    if (head < 0 || brought !== count || start !== this.next) {
      this.regular = false;
      return;
    }
    this.next = start + count;
    if (start === 1) {
      this.firstHead = head;
      this.firstPer = count;
    } else if (this.next <= total) {
      if (this.restPer >= 0 && (this.restHead !== head || this.restPer !== count)) this.regular = false;
      this.restHead = head;
      this.restPer = count;
    } else {
      this.lastHead = head;
      this.lastPer = count;
    }
  }
}

/**
 * How one writer lays out its DATA_FRAG datagrams: the payload offset and fragment count of the datagram carrying
 * fragment 1 (`first`) and of the others (`rest`). Learned from completed samples only, never from what one DATA_FRAG
 * claims: a regular sample (SampleShape) of two datagrams or more shows both (`rest` from the datagrams between the
 * first and the last, or from the last when there are none: a writer sends at most `rest.per` fragments in it). The
 * first regular sample sets the layout; a sample that disagrees with it proposes its own, which replaces it once
 * LAYOUT_CONFIRMATIONS regular samples in a row propose it. A repair's few fragments, a forged DATA_FRAG's count
 * (fragment 1 of 65,535) or a sample put together out of order therefore change nothing.
 */
export class LayoutLearner {
  first: DatagramLayout | undefined;
  rest: DatagramLayout | undefined;
  /** A layout proposed by the latest regular samples that disagreed, and how many in a row proposed it. */
  private proposed: { first: DatagramLayout; rest: DatagramLayout } | undefined;
  private proposals = 0;

  /** A completed sample's shape. */
  learn(s: SampleShape): void {
    if (!s.regular || s.firstPer < 0 || (s.restPer < 0 && s.lastPer < 0)) return; // one datagram: nothing about the others
    if (s.restPer >= 0 && s.lastPer >= 0 && (s.lastHead !== s.restHead || s.lastPer > s.restPer)) return;
    if (this.first && this.rest && agrees(s, this.first, this.rest)) {
      this.proposed = undefined;
      this.proposals = 0;
      return;
    }
    if (this.proposed && agrees(s, this.proposed.first, this.proposed.rest)) this.proposals++;
    else {
      this.proposed = { first: { head: s.firstHead, per: s.firstPer }, rest: s.restPer >= 0 ? { head: s.restHead, per: s.restPer } : { head: s.lastHead, per: s.lastPer } };
      this.proposals = 1;
    }
    if (this.first && this.proposals < LAYOUT_CONFIRMATIONS) return;
    this.first = this.proposed.first;
    this.rest = this.proposed.rest;
    this.proposed = undefined;
    this.proposals = 0;
  }
}

/** Whether a regular sample's datagrams are what `first` and `rest` predict (a last datagram may carry fewer). */
function agrees(s: SampleShape, first: DatagramLayout, rest: DatagramLayout): boolean {
  if (s.firstHead !== first.head || s.firstPer !== first.per) return false;
  if (s.restPer >= 0) return s.restHead === rest.head && s.restPer === rest.per;
  return s.lastHead === rest.head && s.lastPer <= rest.per;
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

  /** The aim the receiver was last given, a copy (AimableReceiver.currentAim). */
  get currentAim(): FragmentAim | undefined {
    return this.receiver.currentAim;
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
