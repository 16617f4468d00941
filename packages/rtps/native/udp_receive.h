// What udp_receive.c (batched receive) and udp_placement.c (fragments received in place) share.
#ifndef MEDKIT_RTPS_UDP_RECEIVE_H
#define MEDKIT_RTPS_UDP_RECEIVE_H
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#define BATCH 64
#define SLOT 65536
#define ROUNDS 8
#define SLAB (512 * 1024)
// Received straight into the slab: after a batch whose largest datagram is DIRECT_MIN bytes or more and whose
// datagrams fill at least half of the regions that size makes; a new slab when fewer than DIRECT_ROOM regions fit.
#define DIRECT_MIN 4096
#define DIRECT_ROOM 8
// Datagrams read per readiness event before the event loop gets its turn back (batches of placed datagrams are short).
#define PER_EVENT (ROUNDS * BATCH)
// A predicted header: the RTPS header (20), at most HEAD_EXTRA bytes of INFO_TS / INFO_DST, the DATA_FRAG's own 36.
#define HEAD_MIN 56
#define HEAD_EXTRA 64
// The fields of an aim, in the Uint32Array given at open (SHARED_WORDS entries); the writer's GUID prefix is its first
// three words' bytes as they are on the wire.
enum { AIM_PREFIX = 0, AIM_WRITER = 3, AIM_READER, AIM_SN_HIGH, AIM_SN_LOW, AIM_FRAG_SIZE, AIM_SAMPLE_SIZE, AIM_NEXT, AIM_HEAD1, AIM_PER1, AIM_HEAD, AIM_PER, AIM_FLAGS, AIM_WORDS };
// After the aim, in the same array, the one word JavaScript writes: the index of the datagram it is handing on, so
// that a call handing on a run of them says how far it got even when it threw.
#define WORD_HANDING AIM_WORDS
#define SHARED_WORDS (AIM_WORDS + 1)
// AIM_FLAGS: the DATA_FRAG's byte order (its E flag) and whether it carries a key (its K flag).
#define AIM_LE 1
#define AIM_KEY 2

// Where a predicted run of DATA_FRAG payloads goes (see the head of udp_placement.c).
typedef struct {
  napi_ref buffer;  // the sample's Buffer, held while aimed (NULL: not aimed)
  unsigned char* data;
  uint8_t prefix[12];
  uint32_t writer, reader, sn_high, sn_low, frag_size, sample_size, total, next, head1, per1, head, per, flags;
} Aim;

// One predicted datagram of a batch: fragments [first, last], its header length, where its payload goes.
typedef struct {
  uint32_t first, last, head;
  size_t offset, length;
} Slot;

typedef struct {
  uv_poll_t poll;
  int fd;
  int closed;
  int handle_closed;  // libuv has let go of the poll handle
  int finalized;      // JavaScript has let go of the receiver (its external was collected)
  int in_callback;    // JavaScript is handling a datagram: a close from there leaves the async context to on_readable
  napi_env env;
  napi_ref callback;
  napi_ref arrays[5];  // lengths (Int32Array), addresses (Uint32Array), ports (Uint16Array), placed (Int32Array): BATCH
                       // entries each; aim (Uint32Array): SHARED_WORDS
  int32_t* lengths;
  uint32_t* addresses;
  uint16_t* ports;
  int32_t* placed;
  uint32_t* aim_words;
  Aim aim;
  napi_async_context async;
  unsigned char* scratch;  // BATCH slots of SLOT bytes
  napi_ref slab;           // the Buffer datagrams are copied into (NULL until the first batch)
  unsigned char* slab_data;
  size_t slab_size, slab_used;
  size_t stride;  // > 0: the next batch goes straight into the slab, one region of this many bytes per datagram
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH][3];
  struct sockaddr_in from[BATCH];
} Receiver;

Receiver* receiver_of(napi_env env, napi_value v);
int new_slab(Receiver* r, size_t size, napi_value* buffer);
int ensure_slab(Receiver* r, size_t need, napi_value* buffer);
// Throws an Error with `code` and `message`; returns NULL for the caller to return.
napi_value fail(napi_env env, const char* code, const char* message);
// udp_placement.c
void drop_aim(Receiver* r);
// Whether the aimed Buffer is still attached, in place and long enough for the aim (checked before each batch).
int aim_still_valid(Receiver* r);
int plan_slots(const Aim* a, Slot* slots);
// quiet[i]: datagram i was placed and nothing but HEARTBEAT_FRAGs follows its DATA_FRAG (its handling can deliver no
// sample but the aimed one).
int lay_out_placed(Receiver* r, const Slot* slots, int n, size_t* offsets, int* quiet, napi_value* buffer);

#endif
