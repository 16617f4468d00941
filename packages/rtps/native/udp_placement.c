// Fragments received in place (part of @medkit/rtps's optional addon; src/fragment-placement.ts is its other half).
//
// JavaScript may aim the receiver at a sample being reassembled (aimUdpReceiver): the
// writer, the SN, the fragments from the next one not received, and how the writer lays out its datagrams (the bytes
// before the first DATA_FRAG's payload, and fragments per datagram, for the datagram carrying fragment 1 and for the
// others). The next batch then reads one datagram per predicted datagram, each split three ways: its header into a
// scratch slot, its predicted payload straight into the sample's buffer, the rest behind the header. After the read
// each is checked against the prediction (the RTPS header and GUID prefix, only INFO_TS/INFO_DST before a DATA_FRAG
// without inline QoS, its writer, reader, SN, first fragment, fragment count and sizes); one that matches is handed on
// without its placed payload (its octetsToNextHeader shortened to match) and with the placed byte count, one that
// does not is put back together in the slab as it came. Stray bytes of a mismatch only ever land in fragments not yet
// received, which JavaScript keeps so (src/fragment-placement.ts); a batch of predictions that all fail drops the aim.
#define _GNU_SOURCE
#include <string.h>

#include "native.h"
#include "udp_receive.h"

void drop_aim(Receiver* r) {
  if (r->aim.buffer == NULL) return;
  napi_delete_reference(r->env, r->aim.buffer);
  r->aim.buffer = NULL;
  r->aim.data = NULL;
}

// Whether the aimed Buffer still holds the bytes the aim was made for: the lending contract (src/fragment-reassembly.ts)
// keeps it so, but JavaScript can detach its ArrayBuffer (transfer it, and the memory goes with the new owner) or shrink
// a resizable one after the aim was given. Checked before each batch is planned; a buffer that moved, was detached or no
// longer covers the sample drops the aim, and the batch is read as usual.
int aim_still_valid(Receiver* r) {
  napi_value v = NULL, ab = NULL;
  napi_typedarray_type type;
  void* data = NULL;
  size_t length = 0, offset = 0;
  bool detached = true;
  if (r->aim.buffer == NULL || napi_get_reference_value(r->env, r->aim.buffer, &v) != napi_ok || v == NULL) return 0;
  if (napi_get_typedarray_info(r->env, v, &type, &length, &data, &ab, &offset) != napi_ok || type != napi_uint8_array) return 0;
  if (napi_is_detached_arraybuffer(r->env, ab, &detached) != napi_ok || detached) return 0;
  return data == (void*)r->aim.data && length >= r->aim.sample_size;
}

static uint32_t rd16(const unsigned char* p, int le) { return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : (uint32_t)p[0] << 8 | p[1]; }

static uint32_t rd32(const unsigned char* p, int le) {
  return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
            : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(unsigned char* p, int le, uint32_t v) {
  p[le ? 0 : 1] = (unsigned char)(v & 0xff);
  p[le ? 1 : 0] = (unsigned char)(v >> 8);
}

// The datagrams the aim predicts, from its next fragment on: at most BATCH.
int plan_slots(const Aim* a, Slot* slots) {
  int k = 0;
  for (uint64_t f = a->next; f <= a->total && k < BATCH; k++) {
    uint32_t head = f == 1 ? a->head1 : a->head, per = f == 1 ? a->per1 : a->per;
    uint64_t last = f + per - 1 < a->total ? f + per - 1 : a->total;
    uint64_t from = (f - 1) * a->frag_size, to = last * a->frag_size < a->sample_size ? last * a->frag_size : a->sample_size;
    slots[k] = (Slot){(uint32_t)f, (uint32_t)last, head, (size_t)from, (size_t)(to - from)};
    f = last + 1;
  }
  return k;
}

// Whether the datagram `h` (len bytes; its first s->head bytes here, its payload where the slot put it) is the one
// `s` predicted: every byte of the predicted payload received, and it the payload of the aimed writer's DATA_FRAG.
static int matches(const Aim* a, const Slot* s, const unsigned char* h, size_t len) {
  if (len < (size_t)s->head + s->length) return 0;
  if (memcmp(h, "RTPS", 4) != 0 || memcmp(h + 8, a->prefix, 12) != 0) return 0;
  size_t at = s->head - 36, pos = 20;
  while (pos < at) {
    if (pos + 4 > at || (h[pos] != 0x09 && h[pos] != 0x0e)) return 0;  // only INFO_TS and INFO_DST before it
    uint32_t n = rd16(h + pos + 2, h[pos + 1] & 1);
    if (n == 0) return 0;
    pos += 4 + (size_t)n;
  }
  if (pos != at) return 0;
  const unsigned char* m = h + at;
  int le = m[1] & 1;
  if (m[0] != 0x16 || (uint32_t)le != (a->flags & AIM_LE) || (m[1] & 0x02) != 0 || ((m[1] & 0x04) != 0) != ((a->flags & AIM_KEY) != 0)) return 0;
  uint32_t octets = rd16(m + 2, le);
  if (octets != 0 && octets < 32 + s->length) return 0;
  if (rd16(m + 6, le) != 28) return 0;  // octetsToInlineQos: nothing between the fixed fields and the payload
  uint32_t reader = rd32(m + 8, 0);     // entity ids are octets, read as JavaScript reads them (big-endian)
  if (rd32(m + 12, 0) != a->writer || (reader != 0 && reader != a->reader)) return 0;
  if (rd32(m + 16, le) != a->sn_high || rd32(m + 20, le) != a->sn_low) return 0;
  if (rd32(m + 24, le) != s->first || rd16(m + 28, le) < s->last - s->first + 1) return 0;
  return rd16(m + 30, le) == a->frag_size && rd32(m + 32, le) == a->sample_size;
}

// Trailing submessages looked at to call a placed datagram quiet; past it, it is not.
#define QUIET_MAX 8

// Whether only HEARTBEAT_FRAGs follow the DATA_FRAG at `m` in the kept datagram `h` (keep bytes).
static int only_heartbeat_frags(const unsigned char* h, size_t keep, const unsigned char* m) {
  uint32_t octets = rd16(m + 2, m[1] & 1);
  if (octets == 0) return 1;  // the DATA_FRAG runs to the end
  size_t pos = (size_t)(m - h) + 4 + octets;
  for (int k = 0; k < QUIET_MAX && pos < keep; k++) {
    if (pos + 4 > keep || h[pos] != 0x13) return 0;
    uint32_t len = rd16(h + pos + 2, h[pos + 1] & 1);
    if (len == 0) return 1;
    pos += 4 + (size_t)len;
  }
  return pos >= keep;
}

// After a batch of predicted datagrams: a match goes into the slab without its placed payload (its DATA_FRAG's
// octetsToNextHeader shortened by as much), a mismatch as it came. Returns 0 when the slab cannot be made.
int lay_out_placed(Receiver* r, const Slot* slots, int n, size_t* offsets, int* quiet, napi_value* buffer) {
  int ok[BATCH];
  size_t need = 0;
  int any = 0;
  for (int i = 0; i < n; i++) {
    r->placed[i] = 0;
    ok[i] = 0;
    quiet[i] = 0;
    if (r->lengths[i] < 0) continue;
    size_t len = (size_t)r->lengths[i];
    ok[i] = matches(&r->aim, &slots[i], r->scratch + (size_t)i * SLOT, len);
    need += ok[i] ? len - slots[i].length : len;
    any |= ok[i];
  }
  if (!ensure_slab(r, need, buffer)) return 0;
  for (int i = 0; i < n; i++) {
    offsets[i] = r->slab_used;
    if (r->lengths[i] < 0) continue;
    const Slot* s = &slots[i];
    const unsigned char* slot = r->scratch + (size_t)i * SLOT;
    unsigned char* out = r->slab_data + r->slab_used;
    size_t len = (size_t)r->lengths[i];
    if (ok[i]) {
      size_t keep = len - s->length;  // the header and what followed the payload lie one after the other in the slot
      memcpy(out, slot, keep);
      unsigned char* m = out + s->head - 36;
      uint32_t octets = rd16(m + 2, m[1] & 1);
      if (octets != 0) wr16(m + 2, m[1] & 1, octets - (uint32_t)s->length);
      quiet[i] = only_heartbeat_frags(out, keep, m);
      r->placed[i] = (int32_t)s->length;
      r->lengths[i] = (int32_t)keep;
      r->slab_used += keep;
      continue;
    }
    size_t head = len < s->head ? len : s->head;
    memcpy(out, slot, head);
    if (len > s->head) {
      size_t body = len - s->head < s->length ? len - s->head : s->length;
      memcpy(out + s->head, r->aim.data + s->offset, body);
      if (len > s->head + s->length) memcpy(out + s->head + s->length, slot + s->head, len - s->head - s->length);
    }
    r->slab_used += len;
  }
  // Not one prediction held (another writer's traffic, a changed layout): no more until JavaScript aims again.
  if (!any) drop_aim(r);
  return 1;
}

static int head_ok(uint32_t head, uint32_t per, uint32_t frag_size) {
  return head >= HEAD_MIN && head <= HEAD_MIN + HEAD_EXTRA && (head - HEAD_MIN) % 4 == 0 && per >= 1 && (uint64_t)per * frag_size + head <= SLOT;
}

// aimUdpReceiver(receiver, buffer | null): from the next batch on, the datagrams the aim array describes are received
// with their payload straight into `buffer` (the sample's bytes, at least sampleSize long); null stops it. Throws on an
// aim it cannot follow (a bug in the caller, not peer data).
napi_value aim_udp_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value a[2];
  Receiver* r = NULL;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc != 2 || (r = receiver_of(env, a[0])) == NULL) return fail(env, "ERR_MEDKIT_UDP", "not a UDP receiver");
  if (r->closed) return NULL;
  napi_valuetype t;
  if (napi_typeof(env, a[1], &t) != napi_ok || t == napi_null || t == napi_undefined) {
    drop_aim(r);
    return NULL;
  }
  bool is = false;
  void* data = NULL;
  size_t length = 0;
  if (napi_is_buffer(env, a[1], &is) != napi_ok || !is || napi_get_buffer_info(env, a[1], &data, &length) != napi_ok) {
    drop_aim(r);
    return fail(env, "ERR_MEDKIT_UDP", "aim: a Buffer or null");
  }
  const uint32_t* w = r->aim_words;
  Aim m;
  memset(&m, 0, sizeof m);
  memcpy(m.prefix, w + AIM_PREFIX, 12);
  m.writer = w[AIM_WRITER];
  m.reader = w[AIM_READER];
  m.sn_high = w[AIM_SN_HIGH];
  m.sn_low = w[AIM_SN_LOW];
  m.frag_size = w[AIM_FRAG_SIZE];
  m.sample_size = w[AIM_SAMPLE_SIZE];
  m.next = w[AIM_NEXT];
  m.head1 = w[AIM_HEAD1];
  m.per1 = w[AIM_PER1];
  m.head = w[AIM_HEAD];
  m.per = w[AIM_PER];
  m.flags = w[AIM_FLAGS] & (AIM_LE | AIM_KEY);
  m.total = m.frag_size < 1 ? 0 : (uint32_t)(((uint64_t)m.sample_size + m.frag_size - 1) / m.frag_size);
  if (m.frag_size < 1 || m.frag_size > 65535 || m.sample_size < 1 || length < m.sample_size || m.sn_high > 0x7fffffff || m.next < 1 || m.next > m.total ||
      !head_ok(m.head, m.per, m.frag_size) || (m.next == 1 && !head_ok(m.head1, m.per1, m.frag_size))) {
    drop_aim(r);
    return fail(env, "ERR_MEDKIT_UDP", "aim: sizes, SN, fragment or layout out of range");
  }
  m.data = data;
  if (r->aim.buffer != NULL && r->aim.data == data) {
    // The same sample aimed on (after each DATA_FRAG): its buffer is held already.
    m.buffer = r->aim.buffer;
    r->aim.buffer = NULL;
  } else {
    drop_aim(r);
    if (napi_create_reference(env, a[1], 1, &m.buffer) != napi_ok) return fail(env, "ERR_MEDKIT_UDP", "aim: cannot hold the buffer");
  }
  r->aim = m;
  return NULL;
}
