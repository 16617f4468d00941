// Receiving UDP datagrams in batches (part of @medkit/rtps's optional addon, for src/native-udp.ts).
//
// Why: Node.js 20's dgram hands JavaScript one datagram per callback, and for each it allocates and zero-fills a
// buffer, copies the datagram into a second one, builds the sender's address string and object, and enters
// JavaScript through a callback scope; at 64 KiB samples (13 KB datagrams) that is about half of a reader's time.
// Here one recvmmsg takes up to BATCH datagrams, they are copied one after the other into a slab Buffer (SLAB bytes,
// not zero-filled, a new one when the batch does not fit in what is left: one allocation per SLAB bytes, not one per
// batch, which cost 7% of a 1 KiB reader's time in malloc and free), and each is handed to JavaScript as its index in
// the batch and its offset in the slab, its length and sender in typed arrays it gave us. A view JavaScript keeps
// holds the slab; readers copy out what they keep (src/receive.ts, ownBytes).
//
// Large datagrams of one size (the DATA_FRAGs of fragmented samples) skip that copy: when a batch was mostly such
// datagrams, the next one is received straight into the slab, each datagram in a region of the last batch's largest
// size (a second iovec into its receive slot takes whatever is longer; such a datagram is put together in a Buffer of
// its own). Gaps between regions are the price; at 64 KiB samples the copy was an eighth of the reader's time.
//
// Fragments received in place (udp_placement.c): aimed at a sample being reassembled, the next batch reads the
// predicted DATA_FRAG payloads straight into it.
//
// Bounds: a datagram is at most SLOT bytes (larger ones are cut, MSG_TRUNC, and reported with length -1); at most
// ROUNDS full batches' worth of datagrams are read per readiness event before the event loop gets its turn back.
#define _GNU_SOURCE
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "native.h"
#include "udp_receive.h"

// Heavy data churns memory: every slab and every reassembled sample (src/fragment-reassembly.ts) is a fresh
// allocation, and V8's garbage collector frees them in bulk, tens of megabytes a second at 64 KiB samples. glibc then
// hands the free top of its heap back to the kernel once more than about 1 MiB is free there, and the next allocations
// fault those pages in again, zero-filled by the kernel: a tenth of a 64 KiB reader's CPU (issue 40). So once a
// receiver opens, up to KEEP_FREED bytes of freed heap stay with the process for reuse, and blocks up to MMAP_FROM
// bytes (the slabs, samples up to 4 MiB) come from the heap rather than from mmap, whose memory goes back at each free.
// The cost: after a burst the process's RSS stays up to KEEP_FREED above what it holds. Process-wide, glibc only.
#define KEEP_FREED (32 * 1024 * 1024)
#define MMAP_FROM (4 * 1024 * 1024)

static void keep_freed_heap(void) {
#ifdef __GLIBC__
  static int done = 0;
  if (done) return;
  done = 1;
  mallopt(M_MMAP_THRESHOLD, MMAP_FROM);
  mallopt(M_TRIM_THRESHOLD, KEEP_FREED);
#endif
}

static const napi_type_tag RECEIVER_TAG = {0x6d65646b69745544ULL, 0x5052656365697665ULL};

// The struct goes when both libuv and JavaScript are done with it (a closed receiver may still be named in JS).
static void receiver_closed(uv_handle_t* h) {
  Receiver* r = (Receiver*)h->data;
  free(r->scratch);
  r->scratch = NULL;
  r->handle_closed = 1;
  if (r->finalized) free(r);
}

static void receiver_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  Receiver* r = (Receiver*)data;
  r->finalized = 1;
  if (r->handle_closed) free(r);
}

// Stops receiving and closes the socket; the memory goes once libuv has let go of the handle.
static void receiver_stop(Receiver* r) {
  if (r->closed) return;
  r->closed = 1;
  uv_poll_stop(&r->poll);
  close(r->fd);
  drop_aim(r);
  for (int i = 0; i < 5; i++) napi_delete_reference(r->env, r->arrays[i]);
  napi_delete_reference(r->env, r->callback);
  if (r->slab != NULL) napi_delete_reference(r->env, r->slab);
  r->slab = NULL;
  if (!r->in_callback) napi_async_destroy(r->env, r->async);
  uv_close((uv_handle_t*)&r->poll, receiver_closed);
}

// Makes a new slab the current one; the old one stays alive only through the views JavaScript still holds.
int new_slab(Receiver* r, size_t size, napi_value* buffer) {
  void* data;
  if (napi_create_buffer(r->env, size, &data, buffer) != napi_ok) return 0;
  if (r->slab != NULL) napi_delete_reference(r->env, r->slab);
  napi_create_reference(r->env, *buffer, 1, &r->slab);
  r->slab_data = data;
  r->slab_size = size;
  r->slab_used = 0;
  return 1;
}

int ensure_slab(Receiver* r, size_t need, napi_value* buffer) {
  if (r->slab == NULL || r->slab_size - r->slab_used < need) return new_slab(r, need > SLAB ? need : SLAB, buffer);
  napi_get_reference_value(r->env, r->slab, buffer);
  return 1;
}

static void on_readable(uv_poll_t* h, int status, int events) {
  (void)events;
  Receiver* r = (Receiver*)h->data;
  if (r->closed || status < 0) return;
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int read = 0; read < PER_EVENT && !r->closed;) {
    napi_value buffer, callback, recv, argv[5], result;
    napi_value own[BATCH];  // a datagram longer than its region, put together on its own
    Slot slots[BATCH];
    // JavaScript ran since the aim was given (and between two batches): its buffer may have been detached or shrunk.
    if (r->aim.buffer != NULL && !aim_still_valid(r)) drop_aim(r);
    int nslots = r->aim.buffer != NULL ? plan_slots(&r->aim, slots) : 0;
    size_t stride = nslots > 0 ? 0 : r->stride;
    int vlen = nslots > 0 ? nslots : BATCH;
    size_t base = 0;
    if (nslots > 0) {
      // Each predicted datagram: its header into a scratch slot, its payload into the sample, the rest behind the header.
      for (int i = 0; i < vlen; i++) {
        unsigned char* slot = r->scratch + (size_t)i * SLOT;
        r->iov[i][0].iov_base = slot;
        r->iov[i][0].iov_len = slots[i].head;
        r->iov[i][1].iov_base = r->aim.data + slots[i].offset;
        r->iov[i][1].iov_len = slots[i].length;
        r->iov[i][2].iov_base = slot + slots[i].head;
        r->iov[i][2].iov_len = SLOT - slots[i].head - slots[i].length;
        r->msgs[i].msg_hdr.msg_iovlen = 3;
      }
    } else if (stride > 0) {
      // Straight into the slab: a region of `stride` bytes per datagram, the rest of its receive slot behind it.
      if (r->slab == NULL || r->slab_size - r->slab_used < (size_t)DIRECT_ROOM * stride) {
        if (!new_slab(r, SLAB, &buffer)) break;
      } else {
        napi_get_reference_value(env, r->slab, &buffer);
      }
      size_t fit = (r->slab_size - r->slab_used) / stride;
      if (fit < (size_t)vlen) vlen = (int)fit;
      base = r->slab_used;
      for (int i = 0; i < vlen; i++) {
        r->iov[i][0].iov_base = r->slab_data + base + (size_t)i * stride;
        r->iov[i][0].iov_len = stride;
        r->iov[i][1].iov_base = r->scratch + (size_t)i * SLOT;
        r->iov[i][1].iov_len = SLOT - stride;
        r->msgs[i].msg_hdr.msg_iovlen = 2;
      }
    } else {
      for (int i = 0; i < vlen; i++) {
        r->iov[i][0].iov_base = r->scratch + (size_t)i * SLOT;
        r->iov[i][0].iov_len = SLOT;
        r->msgs[i].msg_hdr.msg_iovlen = 1;
      }
    }
    for (int i = 0; i < vlen; i++) r->msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
    int n = recvmmsg(r->fd, r->msgs, (unsigned)vlen, MSG_DONTWAIT, NULL);
    if (n <= 0) break;  // EAGAIN: drained; any other error: try again at the next readiness
    read += n;
    size_t total = 0, largest = 0;
    for (int i = 0; i < n; i++) {
      int cut = (r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      r->lengths[i] = cut ? -1 : (int32_t)r->msgs[i].msg_len;
      r->addresses[i] = ntohl(r->from[i].sin_addr.s_addr);
      r->ports[i] = ntohs(r->from[i].sin_port);
      r->placed[i] = 0;
      own[i] = NULL;
      if (cut) continue;
      total += r->msgs[i].msg_len;
      if (r->msgs[i].msg_len > largest) largest = r->msgs[i].msg_len;
    }
    size_t offsets[BATCH];
    int quiet[BATCH];
    if (nslots > 0) {
      if (!lay_out_placed(r, slots, n, offsets, quiet, &buffer)) break;
    } else if (stride > 0) {
      r->slab_used = base + (size_t)n * stride;
      for (int i = 0; i < n; i++) {
        offsets[i] = base + (size_t)i * stride;
        size_t len = r->lengths[i] > 0 ? (size_t)r->lengths[i] : 0;
        if (len <= stride) continue;
        void* data;
        if (napi_create_buffer(env, len, &data, &own[i]) != napi_ok) {
          r->lengths[i] = -1;
          continue;
        }
        memcpy(data, r->slab_data + offsets[i], stride);
        memcpy((unsigned char*)data + stride, r->scratch + (size_t)i * SLOT, len - stride);
        offsets[i] = 0;
      }
    } else {
      if (!ensure_slab(r, total, &buffer)) break;
      for (int i = 0; i < n; i++) {
        offsets[i] = r->slab_used;
        if (r->lengths[i] <= 0) continue;
        memcpy(r->slab_data + r->slab_used, r->scratch + (size_t)i * SLOT, (size_t)r->lengths[i]);
        r->slab_used += (size_t)r->lengths[i];
      }
    }
    if (nslots == 0) {
      // The next batch's layout: straight into the slab after a batch of large datagrams of about one size.
      size_t region = (largest + 63) & ~(size_t)63;
      r->stride = largest >= DIRECT_MIN && region <= SLOT && total * 2 >= (size_t)n * region ? region : 0;
    }
    napi_get_reference_value(env, r->callback, &callback);
    napi_get_global(env, &recv);  // a receiver object is required; the callback is an arrow function anyway
    // Calls through a callback scope, as dgram makes: promise jobs and process.nextTick run between two calls, so what
    // one datagram's handling leaves to a promise is done before the next is read (a goal's acceptance before its
    // status, for instance). A call is one datagram, or a run of placed ones in which each but the last is quiet: their
    // handling can deliver only the aimed sample, and JavaScript ends the call after the datagram that does (it
    // writes the index of each datagram it hands on at WORD_HANDING). The batch's count goes with each call: an aim
    // made while the batch is handed on takes effect after its last datagram (the next read is the first to use it),
    // so JavaScript sends it once per batch. A handler that throws is an uncaught exception, as in dgram, and the
    // datagrams after the one it threw on are still delivered.
    napi_create_int32(env, n, &argv[3]);
    for (int i = 0; i < n && !r->closed;) {
      int last = i;
      if (nslots > 0)
        while (last + 1 < n && r->placed[last] > 0 && quiet[last] && r->placed[last + 1] > 0) last++;
      argv[0] = own[i] != NULL ? own[i] : buffer;
      napi_create_int32(env, i, &argv[1]);
      napi_create_uint32(env, (uint32_t)offsets[i], &argv[2]);
      napi_create_int32(env, last, &argv[4]);
      r->aim_words[WORD_HANDING] = (uint32_t)i;
      r->in_callback = 1;
      napi_status s = napi_make_callback(env, r->async, recv, callback, 5, argv, &result);
      r->in_callback = 0;
      bool pending = false;
      if (s != napi_ok && napi_is_exception_pending(env, &pending) == napi_ok && pending) {
        napi_value err;
        napi_get_and_clear_last_exception(env, &err);
        napi_fatal_exception(env, err);
      }
      uint32_t handed = r->aim_words[WORD_HANDING];
      i = handed > (uint32_t)i && handed <= (uint32_t)last ? (int)handed + 1 : i + 1;
    }
    if (r->closed) {
      napi_async_destroy(env, r->async);
      break;
    }
    if (n < vlen) break;
  }
  napi_close_handle_scope(env, scope);
}

napi_value fail(napi_env env, const char* code, const char* message) {
  napi_throw_error(env, code, message);
  return NULL;
}


static int array_entries(napi_env env, napi_value v, napi_typedarray_type want, size_t entries, void** data) {
  bool is = false;
  napi_typedarray_type type;
  size_t length;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return 0;
  return type == want && length >= entries;
}

// openUdpReceiver(port, ipv4 (host order), receiveBufferSize, lengths: Int32Array, addresses: Uint32Array,
//   ports: Uint16Array, placed: Int32Array, aim: Uint32Array, onDatagrams(slab, index, offset, count, last)) -> receiver;
//   throws with the errno's name when it cannot bind. onDatagrams hands on datagrams index..last of a batch of count
//   (those after index lie one after the other in the slab), writing each one's index at aim[WORD_HANDING] first.
//   placed[i]: payload bytes of datagram i received in place (0: none).
napi_value open_udp_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value a[9];
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc != 9) return fail(env, "ERR_MEDKIT_UDP", "openUdpReceiver(port, address, rcvbuf, lengths, addresses, ports, placed, aim, onDatagram)");
  int32_t port, rcvbuf;
  uint32_t address;
  if (napi_get_value_int32(env, a[0], &port) != napi_ok || port < 0 || port > 65535) return fail(env, "ERR_MEDKIT_UDP", "port: 0..65535");
  if (napi_get_value_uint32(env, a[1], &address) != napi_ok) return fail(env, "ERR_MEDKIT_UDP", "address: an IPv4 address as a uint32");
  if (napi_get_value_int32(env, a[2], &rcvbuf) != napi_ok || rcvbuf < 0) return fail(env, "ERR_MEDKIT_UDP", "rcvbuf: a byte count");
  void *lengths, *addresses, *ports, *placed, *aim;
  if (!array_entries(env, a[3], napi_int32_array, BATCH, &lengths) || !array_entries(env, a[4], napi_uint32_array, BATCH, &addresses) ||
      !array_entries(env, a[5], napi_uint16_array, BATCH, &ports) || !array_entries(env, a[6], napi_int32_array, BATCH, &placed) ||
      !array_entries(env, a[7], napi_uint32_array, SHARED_WORDS, &aim))
    return fail(env, "ERR_MEDKIT_UDP", "lengths, addresses, ports, placed: an Int32Array, a Uint32Array, a Uint16Array and an Int32Array of 64 entries at least; aim: a Uint32Array of 16");
  napi_valuetype t;
  if (napi_typeof(env, a[8], &t) != napi_ok || t != napi_function) return fail(env, "ERR_MEDKIT_UDP", "onDatagram: a function");

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, "ERR_MEDKIT_UDP", strerror(errno));
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);  // capped by net.core.rmem_max
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(address);
  if (bind(fd, (struct sockaddr*)&sa, sizeof sa) != 0) {
    int e = errno;
    close(fd);
    return fail(env, e == EADDRINUSE ? "EADDRINUSE" : "ERR_MEDKIT_UDP", strerror(e));
  }
  Receiver* r = calloc(1, sizeof(Receiver));
  unsigned char* scratch = malloc((size_t)BATCH * SLOT);
  if (r == NULL || scratch == NULL) {
    free(r);
    free(scratch);
    close(fd);
    return fail(env, "ERR_MEDKIT_UDP", "out of memory");
  }
  keep_freed_heap();
  r->fd = fd;
  r->env = env;
  r->scratch = scratch;
  r->lengths = lengths;
  r->addresses = addresses;
  r->ports = ports;
  r->placed = placed;
  r->aim_words = aim;
  for (int i = 0; i < BATCH; i++) {
    r->msgs[i].msg_hdr.msg_iov = r->iov[i];
    r->msgs[i].msg_hdr.msg_name = &r->from[i];
  }
  // The typed arrays stay referenced (so their memory stays where it is) for as long as the receiver is open.
  for (int i = 0; i < 5; i++) napi_create_reference(env, a[3 + i], 1, &r->arrays[i]);
  napi_create_reference(env, a[8], 1, &r->callback);
  napi_value name;
  napi_create_string_utf8(env, "medkit.udp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &r->async);
  uv_loop_t* loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &r->poll, fd);
  r->poll.data = r;
  uv_poll_start(&r->poll, UV_READABLE, on_readable);
  napi_value external;
  napi_create_external(env, r, receiver_finalize, NULL, &external);
  napi_type_tag_object(env, external, &RECEIVER_TAG);
  return external;
}

Receiver* receiver_of(napi_env env, napi_value v) {
  bool tagged = false;
  Receiver* r = NULL;
  if (napi_check_object_type_tag(env, v, &RECEIVER_TAG, &tagged) != napi_ok || !tagged || napi_get_value_external(env, v, (void**)&r) != napi_ok) return NULL;
  return r;
}

// closeUdpReceiver(receiver): stops it and closes its socket; closing twice is harmless.
napi_value close_udp_receiver(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value a[1];
  Receiver* r = NULL;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok || argc != 1 || (r = receiver_of(env, a[0])) == NULL) return fail(env, "ERR_MEDKIT_UDP", "not a UDP receiver");
  receiver_stop(r);
  return NULL;
}

