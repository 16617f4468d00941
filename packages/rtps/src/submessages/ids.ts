// Submessage ids and flag bits (RTPS 2.x §9.4.5). Ids >= 0x80 are vendor-specific and skipped.

export const SubmessageId = {
  PAD: 0x01,
  ACKNACK: 0x06,
  HEARTBEAT: 0x07,
  GAP: 0x08,
  INFO_TS: 0x09,
  INFO_SRC: 0x0c,
  INFO_REPLY_IP4: 0x0d,
  INFO_DST: 0x0e,
  INFO_REPLY: 0x0f,
  NACK_FRAG: 0x12,
  HEARTBEAT_FRAG: 0x13,
  DATA: 0x15,
  DATA_FRAG: 0x16,
  /** DDS-Security 1.1 §7.3.6-§7.3.7: protected submessages and messages. */
  SEC_BODY: 0x30,
  SEC_PREFIX: 0x31,
  SEC_POSTFIX: 0x32,
  SRTPS_PREFIX: 0x33,
  SRTPS_POSTFIX: 0x34,
} as const;

/** A submessage header: id, flags, octetsToNextHeader. */
export const SUBMESSAGE_HEADER_SIZE = 4;

export const FLAG_E = 0x01;
/** HEARTBEAT/ACKNACK final flag. */
export const FLAG_FINAL = 0x02;
/** HEARTBEAT liveliness flag. */
export const FLAG_LIVELINESS = 0x04;
/** INFO_TS invalidate flag. */
export const FLAG_INVALIDATE = 0x02;
export const DATA_FLAG_Q = 0x02;
export const DATA_FLAG_D = 0x04;
export const DATA_FLAG_K = 0x08;
export const DATA_FLAG_N = 0x10;
export const DATAFRAG_FLAG_Q = 0x02;
export const DATAFRAG_FLAG_K = 0x04;
