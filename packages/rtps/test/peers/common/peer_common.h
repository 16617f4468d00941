/*
 * Shared by the Cyclone (C) and Fast DDS (C++) test peers: the command line, the stdout
 * line helpers, the ROS-like constants and the SIGTERM flag. Header-only so each peer is
 * one translation unit plus its generated type code.
 *
 * Every line a peer prints on stdout is meant for the TypeScript harness (harness.ts), so
 * stdout is line-buffered and each event is exactly one line: "<word> key=value ...".
 */
#ifndef MEDKIT_PEER_COMMON_H
#define MEDKIT_PEER_COMMON_H

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GID_SIZE) && GID_SIZE == 24
/* The Humble builds (24-byte Gids) announce no type hash, as Humble's rmw does not: medkit tells the
   two generations apart by this (docs/ros2.md "ros_discovery_info"). */
#define PEER_TYPEHASH_STRING ""
#define PEER_TYPEHASH_REQUEST ""
#define PEER_TYPEHASH_RESPONSE ""
#define PEER_TYPEHASH_DISCOVERY ""
#else
/* The RIHS01 hash of std_msgs/msg/String (docs/ros2.md 3.4). The service hashes are fixed
   placeholders: type hashes are informational on the wire, matching is by type name. */
#define PEER_TYPEHASH_STRING "typehash=RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18;"
#define PEER_TYPEHASH_REQUEST "typehash=RIHS01_0000000000000000000000000000000000000000000000000000000000000001;"
#define PEER_TYPEHASH_RESPONSE "typehash=RIHS01_0000000000000000000000000000000000000000000000000000000000000002;"
#define PEER_TYPEHASH_DISCOVERY "typehash=RIHS01_0000000000000000000000000000000000000000000000000000000000000003;"
#endif

#define PEER_TYPE_STRING "std_msgs::msg::dds_::String_"
#define PEER_TYPE_REQUEST "example_interfaces::srv::dds_::AddTwoInts_Request_"
#define PEER_TYPE_RESPONSE "example_interfaces::srv::dds_::AddTwoInts_Response_"
#define PEER_TOPIC_DISCOVERY "ros_discovery_info"

enum peer_mode {
  MODE_TALKER,
  MODE_LISTENER,
  MODE_SERVER,
  MODE_CLIENT,
  MODE_THROUGHPUT_PUB,
  MODE_THROUGHPUT_SUB,
  MODE_REPORT,
  MODE_PARAMS,      /* the parameter services: Fast DDS with beacon hints, Cyclone with two plain parameters */
  MODE_PARAMS_MUTE, /* Cyclone only: offers list_parameters / get_parameters, never answers */
  MODE_ACTION       /* Fast DDS only: an example_interfaces/action/Fibonacci action server */
};

struct peer_options {
  enum peer_mode mode;
  const char *mode_name;
  int domain;           /* --domain N (default: $ROS_DOMAIN_ID or 0) */
  const char *node;     /* --node NAME (default: the mode name, '-' replaced by '_') */
  const char *ns;       /* --ns /NS (default "/") */
  long count;           /* --count K messages/requests; 0 = unlimited (talker, throughput-pub) */
  long period_ms;       /* --period-ms P: talker/client pause before each message/request;
                           throughput-pub: pause between matching and the first sample */
  int reliable;         /* --reliability reliable|best_effort */
  int transient_local;  /* --durability volatile|transient_local */
  int depth;            /* --depth N: KEEP_LAST N; 0 = KEEP_ALL */
  long size;            /* --size BYTES: pad each string to this length (0 = no padding) */
  const char *topic;    /* --topic DDS topic name (default rt/chatter, throughput: rt/throughput) */
  const char *service;  /* --service NAME: DDS topics rq/NAMERequest and rr/NAMEReply (action: the action name) */
  double duration_s;    /* --duration-s S: exit after S seconds (0 = until SIGTERM / done) */
  long long a, b;       /* --a A --b B: client request i (1-based) sends a = A + i - 1, b = B */
  int wait_match;       /* --wait-match N: writers wait for N matched readers before sending */
  long timeout_ms;      /* --timeout-ms T: client per-request reply timeout */
  long retries;         /* --retries N: a client request that timed out is sent again (same number), N times at most */
  const char *code;     /* --code CODE: report mode fault code (default PEER_FAULT) */
  const char *source;   /* --source ID: report mode source_id (default: the node's FQN) */
  int severity;         /* --severity N: report mode severity (default 2) */
  int event_type;       /* --event-type 0|1: report mode FAILED (0, default) or PASSED (1) */
  char source_id[600];
  char node_name[256];
  char req_topic[300];
  char rep_topic[300];
};

static volatile sig_atomic_t peer_stop = 0;

static void peer_on_signal(int sig)
{
  (void)sig;
  peer_stop = 1;
}

/* SIGTERM/SIGINT only set a flag: the main loop then deletes the participant (which makes
   the DDS stack send its dispose/unregister messages) and prints "bye". */
static void peer_install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = peer_on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
#ifdef __linux__
  /* A test worker that dies without cleaning up must not leave peers on the domain. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* One event per line on stdout, flushed at once (stdout is a pipe to the harness). */
static void peer_line(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static void peer_usage(const char *why)
{
  fprintf(stderr,
          "error: %s\n"
          "usage: peer <talker|listener|server|client|throughput-pub|throughput-sub|report|params|params-mute>\n"
          "  [--domain N] [--node NAME] [--ns /NS] [--count K] [--period-ms P]\n"
          "  [--reliability reliable|best_effort] [--durability volatile|transient_local]\n"
          "  [--depth N (0 = keep all)] [--size BYTES] [--topic DDS_TOPIC] [--service NAME]\n"
          "  [--duration-s S] [--a A] [--b B] [--wait-match N] [--timeout-ms T] [--retries N]\n"
          "  [--code CODE] [--source ID] [--severity N] [--event-type 0|1]   (report)\n",
          why);
  exit(2);
}

static double monotonic_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static long parse_long(const char *name, const char *v)
{
  char *end = NULL;
  long long x = strtoll(v, &end, 10);
  if (end == v || *end != '\0') {
    static char msg[160];
    snprintf(msg, sizeof msg, "%s needs an integer, got '%s'", name, v);
    peer_usage(msg);
  }
  return (long)x;
}

static void peer_parse(int argc, char **argv, struct peer_options *o)
{
  int i;
  const char *env_domain = getenv("ROS_DOMAIN_ID");
  memset(o, 0, sizeof *o);
  if (argc < 2) peer_usage("missing mode");
  o->mode_name = argv[1];
  if (strcmp(argv[1], "talker") == 0) o->mode = MODE_TALKER;
  else if (strcmp(argv[1], "listener") == 0) o->mode = MODE_LISTENER;
  else if (strcmp(argv[1], "server") == 0) o->mode = MODE_SERVER;
  else if (strcmp(argv[1], "client") == 0) o->mode = MODE_CLIENT;
  else if (strcmp(argv[1], "throughput-pub") == 0) o->mode = MODE_THROUGHPUT_PUB;
  else if (strcmp(argv[1], "throughput-sub") == 0) o->mode = MODE_THROUGHPUT_SUB;
  else if (strcmp(argv[1], "report") == 0) o->mode = MODE_REPORT;
  else if (strcmp(argv[1], "params") == 0) o->mode = MODE_PARAMS;
  else if (strcmp(argv[1], "params-mute") == 0) o->mode = MODE_PARAMS_MUTE;
  else if (strcmp(argv[1], "action") == 0) o->mode = MODE_ACTION;
  else peer_usage("unknown mode");

  o->domain = env_domain ? atoi(env_domain) : 0;
  o->node = NULL;
  o->ns = "/";
  o->count = o->mode == MODE_CLIENT ? 5 : (o->mode == MODE_REPORT ? 1 : 0);
  o->period_ms = o->mode == MODE_TALKER ? 500 : (o->mode == MODE_LISTENER || o->mode == MODE_SERVER ? 0 : 200);
  o->reliable = 1;
  o->transient_local = 0;
  o->depth = (o->mode == MODE_THROUGHPUT_PUB || o->mode == MODE_THROUGHPUT_SUB) ? 0 : 7;
  o->size = (o->mode == MODE_THROUGHPUT_PUB) ? 1024 : 0;
  o->topic = (o->mode == MODE_THROUGHPUT_PUB || o->mode == MODE_THROUGHPUT_SUB) ? "rt/throughput" : "rt/chatter";
  o->service = o->mode == MODE_REPORT ? "fault_manager/report_fault" : (o->mode == MODE_ACTION ? "fibonacci" : "add_two_ints");
  o->code = "PEER_FAULT";
  o->source = NULL;
  o->severity = 2;
  o->event_type = 0;
  o->a = 1;
  o->b = 40;
  o->timeout_ms = 5000;

  for (i = 2; i < argc; i++) {
    const char *k = argv[i];
    const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
    if (v == NULL) peer_usage("option without a value");
    i++;
    if (strcmp(k, "--domain") == 0) o->domain = (int)parse_long(k, v);
    else if (strcmp(k, "--node") == 0) o->node = v;
    else if (strcmp(k, "--ns") == 0) o->ns = v;
    else if (strcmp(k, "--count") == 0) o->count = parse_long(k, v);
    else if (strcmp(k, "--period-ms") == 0) o->period_ms = parse_long(k, v);
    else if (strcmp(k, "--depth") == 0) o->depth = (int)parse_long(k, v);
    else if (strcmp(k, "--size") == 0) o->size = parse_long(k, v);
    else if (strcmp(k, "--topic") == 0) o->topic = v;
    else if (strcmp(k, "--service") == 0) o->service = v;
    else if (strcmp(k, "--duration-s") == 0) o->duration_s = atof(v);
    else if (strcmp(k, "--a") == 0) o->a = parse_long(k, v);
    else if (strcmp(k, "--b") == 0) o->b = parse_long(k, v);
    else if (strcmp(k, "--wait-match") == 0) o->wait_match = (int)parse_long(k, v);
    else if (strcmp(k, "--timeout-ms") == 0) o->timeout_ms = parse_long(k, v);
    else if (strcmp(k, "--retries") == 0) o->retries = parse_long(k, v);
    else if (strcmp(k, "--code") == 0) o->code = v;
    else if (strcmp(k, "--source") == 0) o->source = v;
    else if (strcmp(k, "--severity") == 0) o->severity = (int)parse_long(k, v);
    else if (strcmp(k, "--event-type") == 0) o->event_type = (int)parse_long(k, v);
    else if (strcmp(k, "--reliability") == 0) {
      if (strcmp(v, "reliable") == 0) o->reliable = 1;
      else if (strcmp(v, "best_effort") == 0) o->reliable = 0;
      else peer_usage("--reliability must be reliable or best_effort");
    } else if (strcmp(k, "--durability") == 0) {
      if (strcmp(v, "volatile") == 0) o->transient_local = 0;
      else if (strcmp(v, "transient_local") == 0) o->transient_local = 1;
      else peer_usage("--durability must be volatile or transient_local");
    } else {
      peer_usage("unknown option");
    }
  }
  if (o->depth < 0 || o->size < 0 || o->count < 0 || o->period_ms < 0) peer_usage("negative value");
  if (o->ns[0] != '/') peer_usage("--ns must start with '/'");
  if (o->node != NULL) {
    snprintf(o->node_name, sizeof o->node_name, "%s", o->node);
  } else {
    char *p;
    snprintf(o->node_name, sizeof o->node_name, "%s", o->mode_name);
    for (p = o->node_name; *p; p++)
      if (*p == '-') *p = '_';
  }
  if (o->source != NULL) snprintf(o->source_id, sizeof o->source_id, "%s", o->source);
  else snprintf(o->source_id, sizeof o->source_id, "%s%s%s", o->ns, strcmp(o->ns, "/") == 0 ? "" : "/", o->node_name);
  snprintf(o->req_topic, sizeof o->req_topic, "rq/%sRequest", o->service);
  snprintf(o->rep_topic, sizeof o->rep_topic, "rr/%sReply", o->service);
}

/* DDS topic of one of the node's own services, as rmw names it: "<kind>/<ns>/<node>/<service><suffix>"
   with kind rq|rr and suffix Request|Reply (the node's parameter services, docs/ros2.md 2.2). */
static void peer_node_service_topic(char *out, size_t cap, const struct peer_options *o, const char *kind,
                                    const char *service, const char *suffix)
{
  snprintf(out, cap, "%s%s%s/%s/%s%s", kind, strcmp(o->ns, "/") == 0 ? "" : "/", strcmp(o->ns, "/") == 0 ? "" : o->ns + 1,
           o->node_name, service, suffix);
}

/* Writes 16 GUID bytes as 32 lowercase hex digits into out (33 bytes). */
static void peer_hex(const uint8_t *bytes, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Fills buf (cap bytes incl. NUL) with "Hello World: N", padded with '.' to `size` bytes when
   size is larger than the text, so large-message tests control the payload length exactly. */
static char *peer_message(long n, long size, const char *prefix)
{
  char head[64];
  size_t len, total;
  char *s;
  snprintf(head, sizeof head, "%s%ld", prefix, n);
  len = strlen(head);
  total = (size_t)size > len ? (size_t)size : len;
  s = (char *)malloc(total + 1);
  if (s == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  memcpy(s, head, len);
  if (total > len) memset(s + len, '.', total - len);
  s[total] = '\0';
  return s;
}

/* "heard <len> <first 40 chars>", with spaces kept (the prefix is the rest of the line). */
static void peer_print_heard(const char *data)
{
  size_t len = strlen(data);
  char first[41];
  size_t n = len < 40 ? len : 40;
  memcpy(first, data, n);
  first[n] = '\0';
  peer_line("heard %zu %s", len, first);
}

/* Writes sample n of the throughput stream, "T:<n>:" padded with 'x' to `size` bytes, into
   buf (size + 32 bytes); subscribers count gaps in n as losses. */
static void peer_throughput_payload(char *buf, long n, long size)
{
  int len = snprintf(buf, 32, "T:%ld:", n);
  if ((long)len < size) memset(buf + len, 'x', (size_t)(size - len));
  buf[(long)len < size ? size : len] = '\0';
}

/* Writers start like a ROS timer: nothing until --wait-match readers matched, then the first
   sample `first_ms` later (time for the readers' side to match us too), then every
   `every_ms`. Returns 1 when a sample is due now. */
struct peer_pacer {
  int armed;
  double next;
};

static int peer_pace(struct peer_pacer *p, int matched, int wait_match, long first_ms, long every_ms)
{
  double now = monotonic_s();
  if (!p->armed) {
    if (matched < wait_match) return 0;
    p->armed = 1;
    p->next = now + (double)first_ms / 1000.0;
  }
  if (now < p->next) return 0;
  p->next = now + (double)every_ms / 1000.0;
  return 1;
}

/* Throughput bookkeeping shared by both sub loops: samples carry "T:<n>" so gaps show losses. */
struct peer_rate {
  double window_start;
  long samples, bytes, total, lost;
  long last_n;
};

static void peer_rate_init(struct peer_rate *r)
{
  memset(r, 0, sizeof *r);
  r->last_n = -1;
}

static void peer_rate_sample(struct peer_rate *r, const char *data)
{
  long n = -1;
  size_t len = strlen(data);
  if (data[0] == 'T' && data[1] == ':') n = strtol(data + 2, NULL, 10);
  if (n >= 0) {
    if (r->last_n >= 0 && n > r->last_n + 1) r->lost += n - r->last_n - 1;
    if (n > r->last_n) r->last_n = n;
  }
  r->samples++;
  r->total++;
  r->bytes += (long)len;
}

/* Prints "rate samples=<per s> bytes=<per s> total=<n> lost=<n>" once per second of wall time
   (total and lost count since the start). */
static void peer_rate_tick(struct peer_rate *r)
{
  double now = monotonic_s();
  if (r->window_start == 0) r->window_start = now;
  if (now - r->window_start >= 1.0) {
    double dt = now - r->window_start;
    peer_line("rate samples=%.0f bytes=%.0f total=%ld lost=%ld", r->samples / dt, r->bytes / dt, r->total, r->lost);
    r->samples = 0;
    r->bytes = 0;
    r->window_start = now;
  }
}

/* Publisher side: "sent-rate samples=<per s> total=<n>" once per second. */
static void peer_sent_tick(struct peer_rate *r, long sent)
{
  double now = monotonic_s();
  if (r->window_start == 0) r->window_start = now;
  if (now - r->window_start >= 1.0) {
    peer_line("sent-rate samples=%.0f total=%ld", r->samples / (now - r->window_start), sent);
    r->samples = 0;
    r->window_start = now;
  }
}

#ifdef __cplusplus
}
#endif

#endif
