/*
 * Cyclone DDS test peer for medkit's interop tests: a program that looks like a ROS 2 node
 * using rmw_cyclonedds on the wire (docs/ros2.md sections 2-4, 8.3):
 *   - participant USER_DATA "enclave=/;", endpoint USER_DATA "typehash=RIHS01_...;"
 *     (service endpoints prepend "serviceid=<id>;" / "clientid=<id>;" like Jazzy's rmw);
 *   - ROS-mangled DDS topic and type names (rt/chatter, rq/<svc>Request, rr/<svc>Reply);
 *   - ros_discovery_info writer (reliable, transient local, keep last 1) describing one node;
 *   - services with the 16-byte (client id, sequence) header inside the payload, and the
 *     server's 100 ms wait for the client's reply reader (docs/ros2.md 4.1).
 * Modes and stdout line formats: see ../README.md and ../common/peer_common.h.
 * Build: idlc -t [-DGID_SIZE=24] ros_types.idl && gcc cyclone_peer.c ros_types.c -lddsc
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "dds/dds.h"
#include "peer_common.h"
#include "ros_types.h"

#ifndef GID_SIZE
#define GID_SIZE 16
#endif

typedef std_msgs_msg_dds__String_ String_;
typedef example_interfaces_srv_dds__AddTwoInts_Request_ Request_;
typedef example_interfaces_srv_dds__AddTwoInts_Response_ Response_;
typedef ros2_medkit_msgs_srv_dds__ReportFault_Request_ ReportRequest_;
typedef ros2_medkit_msgs_srv_dds__ReportFault_Response_ ReportResponse_;
typedef rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ ParticipantInfo_;

/* One DDS endpoint of the node: matches are printed as "matched pub|sub <n> topic=<t>". */
struct endpoint {
  dds_entity_t entity;
  bool writer;
  const char *topic;
  int32_t matched;
};

#define MAX_ENDPOINTS 8
static struct endpoint node_eps[MAX_ENDPOINTS];
static int n_node_eps;
static struct peer_options opt;
static dds_entity_t participant;
static dds_guid_t participant_guid;

static void die(const char *what, dds_return_t rc)
{
  fprintf(stderr, "%s failed: %s\n", what, dds_strretcode(rc));
  exit(1);
}

static dds_entity_t check(const char *what, dds_entity_t e)
{
  if (e < 0) die(what, e);
  return e;
}

static void guid_hex(const dds_guid_t *g, char out[33])
{
  peer_hex(g->v, 16, out);
}

/* QoS the way rmw_cyclonedds maps a ROS profile: reliability with infinite blocking time,
   keep last N (0 = keep all), durability, durability service for transient local, and
   writers that do not auto-dispose (vendor PID 0x8003 = 0 on the wire). */
static dds_qos_t *make_qos(bool writer, bool reliable, bool transient_local, int depth, const char *userdata)
{
  dds_qos_t *q = dds_create_qos();
  dds_history_kind_t hk = depth > 0 ? DDS_HISTORY_KEEP_LAST : DDS_HISTORY_KEEP_ALL;
  dds_qset_reliability(q, reliable ? DDS_RELIABILITY_RELIABLE : DDS_RELIABILITY_BEST_EFFORT, DDS_INFINITY);
  dds_qset_history(q, hk, depth > 0 ? depth : 1);
  dds_qset_durability(q, transient_local ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  if (transient_local)
    dds_qset_durability_service(q, 0, hk, depth > 0 ? depth : 1, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED,
                                DDS_LENGTH_UNLIMITED);
  if (writer) dds_qset_writer_data_lifecycle(q, false);
  if (userdata != NULL) dds_qset_userdata(q, userdata, strlen(userdata));
  /* PEER_LIVELINESS_LEASE_MS=<ms>: AUTOMATIC liveliness with that finite lease. */
  const char *lease = getenv("PEER_LIVELINESS_LEASE_MS");
  if (lease != NULL && atoi(lease) > 0) dds_qset_liveliness(q, DDS_LIVELINESS_AUTOMATIC, DDS_MSECS(atoi(lease)));
  return q;
}

static dds_entity_t make_topic(const dds_topic_descriptor_t *desc, const char *name)
{
  return check("dds_create_topic", dds_create_topic(participant, desc, name, NULL, NULL));
}

/* Creates an endpoint; node endpoints are listed in ros_discovery_info and announced as
   "endpoint writer|reader <topic> guid=<hex>" before the ready line. */
/* With PEER_LIVELINESS_LEASE_MS, a reader prints "liveliness alive=<n> not_alive=<n>" on each liveliness change. */
static void on_liveliness_changed(dds_entity_t reader, const dds_liveliness_changed_status_t status, void *arg)
{
  (void)reader;
  (void)arg;
  peer_line("liveliness alive=%" PRIu32 " not_alive=%" PRIu32, status.alive_count, status.not_alive_count);
}

static dds_entity_t make_endpoint(bool writer, dds_entity_t topic, const char *topic_name, dds_qos_t *q,
                                  bool in_node)
{
  const char *lease = getenv("PEER_LIVELINESS_LEASE_MS");
  dds_listener_t *l = NULL;
  if (!writer && lease != NULL && atoi(lease) > 0) {
    l = dds_create_listener(NULL);
    dds_lset_liveliness_changed(l, on_liveliness_changed);
  }
  dds_entity_t e = writer ? dds_create_writer(participant, topic, q, NULL) : dds_create_reader(participant, topic, q, l);
  if (l != NULL) dds_delete_listener(l);
  dds_delete_qos(q);
  check(writer ? "dds_create_writer" : "dds_create_reader", e);
  if (in_node) {
    dds_guid_t g;
    char hex[33];
    if (n_node_eps == MAX_ENDPOINTS) die("too many endpoints", DDS_RETCODE_ERROR);
    node_eps[n_node_eps].entity = e;
    node_eps[n_node_eps].writer = writer;
    node_eps[n_node_eps].topic = topic_name;
    node_eps[n_node_eps].matched = 0;
    n_node_eps++;
    dds_get_guid(e, &g);
    guid_hex(&g, hex);
    peer_line("endpoint %s %s guid=%s", writer ? "writer" : "reader", topic_name, hex);
  }
  return e;
}

static void print_matches(void)
{
  int i;
  for (i = 0; i < n_node_eps; i++) {
    struct endpoint *ep = &node_eps[i];
    int32_t now;
    if (ep->writer) {
      dds_publication_matched_status_t st;
      if (dds_get_publication_matched_status(ep->entity, &st) < 0) continue;
      now = (int32_t)st.current_count;
    } else {
      dds_subscription_matched_status_t st;
      if (dds_get_subscription_matched_status(ep->entity, &st) < 0) continue;
      now = (int32_t)st.current_count;
    }
    if (now != ep->matched) {
      ep->matched = now;
      peer_line("matched %s %d topic=%s", ep->writer ? "pub" : "sub", (int)now, ep->topic);
    }
  }
}

static int32_t matched_count(dds_entity_t e)
{
  int i;
  for (i = 0; i < n_node_eps; i++)
    if (node_eps[i].entity == e) return node_eps[i].matched;
  return 0;
}

/* ---- ros_discovery_info ------------------------------------------------------------- */

static void fill_gid(struct rmw_dds_common_msg_dds__Gid_ *gid, const dds_guid_t *g)
{
  memset(gid->data, 0, sizeof gid->data);
  memcpy(gid->data, g->v, 16); /* Humble layout: GUID then 8 zero bytes */
}

static void publish_discovery_info(dds_entity_t writer)
{
  ParticipantInfo_ info;
  struct rmw_dds_common_msg_dds__NodeEntitiesInfo_ node;
  struct rmw_dds_common_msg_dds__Gid_ readers[MAX_ENDPOINTS], writers[MAX_ENDPOINTS];
  uint32_t nr = 0, nw = 0;
  int i;
  dds_return_t rc;
  memset(&info, 0, sizeof info);
  memset(&node, 0, sizeof node);
  fill_gid(&info.gid, &participant_guid);
  snprintf(node.node_namespace, sizeof node.node_namespace, "%s", opt.ns);
  snprintf(node.node_name, sizeof node.node_name, "%s", opt.node_name);
  for (i = 0; i < n_node_eps; i++) {
    dds_guid_t g;
    dds_get_guid(node_eps[i].entity, &g);
    if (node_eps[i].writer) fill_gid(&writers[nw++], &g);
    else fill_gid(&readers[nr++], &g);
  }
  node.reader_gid_seq._length = node.reader_gid_seq._maximum = nr;
  node.reader_gid_seq._buffer = readers;
  node.writer_gid_seq._length = node.writer_gid_seq._maximum = nw;
  node.writer_gid_seq._buffer = writers;
  info.node_entities_info_seq._length = info.node_entities_info_seq._maximum = 1;
  info.node_entities_info_seq._buffer = &node;
  if ((rc = dds_write(writer, &info)) < 0) die("dds_write(ros_discovery_info)", rc);
}

/* Prints "graph gid=<hex> ns=<ns> name=<name> readers=<n> writers=<m>" per node of every
   other participant's snapshot ("graph gid=<hex> nodes=0" for an empty one). */
static void take_discovery_info(dds_entity_t reader)
{
  void *samples[16] = {NULL};
  dds_sample_info_t infos[16];
  int n, i;
  uint32_t k;
  n = dds_take(reader, samples, infos, 16, 16);
  for (i = 0; i < n; i++) {
    const ParticipantInfo_ *p = (const ParticipantInfo_ *)samples[i];
    char hex[33];
    if (!infos[i].valid_data) continue;
    if (memcmp(p->gid.data, participant_guid.v, 16) == 0) continue;
    peer_hex(p->gid.data, 16, hex);
    if (p->node_entities_info_seq._length == 0) peer_line("graph gid=%s nodes=0", hex);
    for (k = 0; k < p->node_entities_info_seq._length; k++) {
      const struct rmw_dds_common_msg_dds__NodeEntitiesInfo_ *nd = &p->node_entities_info_seq._buffer[k];
      peer_line("graph gid=%s ns=%s name=%s readers=%u writers=%u", hex, nd->node_namespace, nd->node_name,
                (unsigned)nd->reader_gid_seq._length, (unsigned)nd->writer_gid_seq._length);
    }
  }
  if (n > 0) dds_return_loan(reader, samples, n);
}

/* ---- services ----------------------------------------------------------------------- */

/* rmw_cyclonedds' client/service id string: GID bytes 0-11 plus a 32-bit counter, printed
   as hex joined by '.', the first byte with two digits (docs/ros2.md 3.4). */
static void make_csid(char *out, size_t cap, uint32_t counter)
{
  uint8_t id[16];
  size_t used;
  int i;
  memcpy(id, participant_guid.v, 12);
  id[12] = (uint8_t)(counter >> 24);
  id[13] = (uint8_t)(counter >> 16);
  id[14] = (uint8_t)(counter >> 8);
  id[15] = (uint8_t)counter;
  used = (size_t)snprintf(out, cap, "%02x", id[0]);
  for (i = 1; i < 16 && used < cap; i++) used += (size_t)snprintf(out + used, cap - used, ".%x", id[i]);
}

/* Copies the value of "key=" from an endpoint's USER_DATA ("a=b;c=d;") into out. */
static bool userdata_value(const dds_qos_t *q, const char *key, char *out, size_t cap)
{
  void *ud = NULL;
  size_t sz = 0;
  bool found = false;
  if (q != NULL && dds_qget_userdata(q, &ud, &sz) && ud != NULL) {
    char *s = (char *)malloc(sz + 1);
    char *p;
    size_t klen = strlen(key);
    memcpy(s, ud, sz);
    s[sz] = '\0';
    for (p = s; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL) {
      if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
        size_t n = strcspn(p + klen + 1, ";");
        if (n >= cap) n = cap - 1;
        memcpy(out, p + klen + 1, n);
        out[n] = '\0';
        found = true;
        break;
      }
    }
    free(s);
  }
  dds_free(ud);
  return found;
}

/* rmw_cyclonedds' reply gating: when the request writer carries "clientid=X;", wait up to
   100 ms until the reply writer has matched a reader with the same clientid; otherwise the
   reply would go nowhere and rmw drops it. Returns false when it gave up. */
static bool reply_reader_ready(dds_entity_t req_reader, dds_instance_handle_t request_writer, dds_entity_t rep_writer)
{
  dds_builtintopic_endpoint_t *ep = dds_get_matched_publication_data(req_reader, request_writer);
  char want[128];
  double deadline = monotonic_s() + 0.1;
  bool has_id;
  if (ep == NULL) return true;
  has_id = userdata_value(ep->qos, "clientid", want, sizeof want);
  dds_builtintopic_free_endpoint(ep);
  if (!has_id) return true;
  do {
    dds_instance_handle_t hs[64];
    dds_return_t n = dds_get_matched_subscriptions(rep_writer, hs, 64);
    int i;
    for (i = 0; i < n && i < 64; i++) {
      dds_builtintopic_endpoint_t *rd = dds_get_matched_subscription_data(rep_writer, hs[i]);
      char got[128];
      bool same = rd != NULL && userdata_value(rd->qos, "clientid", got, sizeof got) && strcmp(got, want) == 0;
      if (rd != NULL) dds_builtintopic_free_endpoint(rd);
      if (same) return true;
    }
    sleep_ms(2);
  } while (monotonic_s() < deadline);
  return false;
}

/* What differs between the client modes (add_two_ints client, fault report): how request n is
   filled and how a reply is printed. Every request/response type starts with the 16-byte
   rmw_cyclonedds header, which the shared code reads through svc_hdr. */
struct svc_hdr {
  uint64_t hdr_guid;
  int64_t hdr_seq;
};
union any_request {
  struct svc_hdr hdr;
  Request_ add;
  ReportRequest_ report;
};
struct client_ops {
  void (*fill)(union any_request *rq, long n, char *line, size_t cap); /* ROS fields + text for "call" */
  void (*describe)(const void *rp, char *out, size_t cap);             /* reply fields for "response" */
};

/* Serves one service: `answer(request, response, line)` fills the reply after its 16-byte header (copied from the
   request) and writes the text of the "request client=<id> seq=<n> <text>" line; `release` frees what it allocated
   in the reply. Replies wait for the client's reply reader like rmw_cyclonedds. */
struct served {
  dds_entity_t req, rep;
  size_t reply_size;
  void (*answer)(const void *rq, void *rp, char *line, size_t cap);
  void (*release)(void *rp);
};

static void serve_requests(const struct served *sv)
{
  void *samples[16] = {NULL};
  dds_sample_info_t infos[16];
  int n = dds_take(sv->req, samples, infos, 16, 16);
  int i;
  for (i = 0; i < n; i++) {
    const struct svc_hdr *rq = (const struct svc_hdr *)samples[i];
    struct svc_hdr *rp;
    char line[512];
    if (!infos[i].valid_data) continue;
    rp = (struct svc_hdr *)calloc(1, sv->reply_size);
    rp->hdr_guid = rq->hdr_guid;
    rp->hdr_seq = rq->hdr_seq;
    sv->answer(samples[i], rp, line, sizeof line);
    if (!reply_reader_ready(sv->req, infos[i].publication_handle, sv->rep)) {
      peer_line("dropped client=%016" PRIx64 " seq=%" PRId64 " reason=no-reply-reader", rq->hdr_guid, rq->hdr_seq);
    } else {
      dds_write(sv->rep, rp);
      peer_line("request client=%016" PRIx64 " seq=%" PRId64 " %s", rq->hdr_guid, rq->hdr_seq, line);
    }
    if (sv->release) sv->release(rp);
    free(rp);
  }
  if (n > 0) dds_return_loan(sv->req, samples, n);
}

static void add_answer(const void *rq, void *rp, char *line, size_t cap)
{
  const Request_ *q = (const Request_ *)rq;
  Response_ *r = (Response_ *)rp;
  r->sum = q->a + q->b;
  snprintf(line, cap, "a=%" PRId64 " b=%" PRId64 " sum=%" PRId64, q->a, q->b, r->sum);
}

/* ---- params mode: a node with two parameters, served over the four parameter services --------------------- */

typedef rcl_interfaces_srv_dds__ListParameters_Request_ ListRequest_;
typedef rcl_interfaces_srv_dds__ListParameters_Response_ ListResponse_;
typedef rcl_interfaces_srv_dds__GetParameters_Request_ GetRequest_;
typedef rcl_interfaces_srv_dds__GetParameters_Response_ GetResponse_;
typedef rcl_interfaces_srv_dds__DescribeParameters_Request_ DescribeRequest_;
typedef rcl_interfaces_srv_dds__DescribeParameters_Response_ DescribeResponse_;
typedef rcl_interfaces_srv_dds__SetParameters_Request_ SetRequest_;
typedef rcl_interfaces_srv_dds__SetParameters_Response_ SetResponse_;

/* `unrelated.value` (integer 7) is the one set_parameters may change; `peer.vendor` is read-only. */
struct cparam {
  const char *name;
  uint8_t type; /* rcl_interfaces ParameterType: 2 integer, 4 string */
  int64_t integer_value;
  char *string_value;
  bool read_only;
  const char *description;
};
static struct cparam cparams[] = {
  {"unrelated.value", 2, 7, "", false, "a parameter set_parameters may change"},
  {"peer.vendor", 4, 0, "cyclone", true, "the DDS vendor of this peer"},
};
#define N_CPARAMS (sizeof cparams / sizeof cparams[0])

static struct cparam *find_cparam(const char *name)
{
  size_t i;
  for (i = 0; i < N_CPARAMS; i++)
    if (strcmp(cparams[i].name, name) == 0) return &cparams[i];
  return NULL;
}

/* A sequence buffer of `n` zeroed elements (freed by the answer's release). */
static void *seq_buf(uint32_t n, size_t elem)
{
  return calloc(n > 0 ? n : 1, elem);
}

static void list_answer(const void *rq, void *rp, char *line, size_t cap)
{
  const ListRequest_ *q = (const ListRequest_ *)rq;
  ListResponse_ *r = (ListResponse_ *)rp;
  uint32_t i, j;
  r->result.names._buffer = (char **)seq_buf(N_CPARAMS, sizeof(char *));
  for (i = 0; i < N_CPARAMS; i++) {
    bool match = q->prefixes._length == 0;
    for (j = 0; j < q->prefixes._length; j++) {
      size_t k = strlen(q->prefixes._buffer[j]);
      if (strncmp(cparams[i].name, q->prefixes._buffer[j], k) == 0 && (cparams[i].name[k] == 0 || cparams[i].name[k] == '.')) match = true;
    }
    if (match) r->result.names._buffer[r->result.names._length++] = (char *)cparams[i].name;
  }
  r->result.names._maximum = r->result.names._length;
  r->result.prefixes._buffer = NULL;
  snprintf(line, cap, "list prefixes=%u names=%u", (unsigned)q->prefixes._length, (unsigned)r->result.names._length);
}

static void list_release(void *rp)
{
  free(((ListResponse_ *)rp)->result.names._buffer);
}

static void get_answer(const void *rq, void *rp, char *line, size_t cap)
{
  const GetRequest_ *q = (const GetRequest_ *)rq;
  GetResponse_ *r = (GetResponse_ *)rp;
  uint32_t i;
  r->values._buffer = (rcl_interfaces_msg_dds__ParameterValue_ *)seq_buf(q->names._length, sizeof *r->values._buffer);
  r->values._length = r->values._maximum = q->names._length;
  for (i = 0; i < q->names._length; i++) {
    rcl_interfaces_msg_dds__ParameterValue_ *v = &r->values._buffer[i];
    const struct cparam *p = find_cparam(q->names._buffer[i]);
    v->string_value = ""; /* type 0 = not set */
    if (p == NULL) continue;
    v->type = p->type;
    v->integer_value = p->integer_value;
    v->string_value = p->string_value;
  }
  snprintf(line, cap, "get names=%u", (unsigned)q->names._length);
}

static void get_release(void *rp)
{
  free(((GetResponse_ *)rp)->values._buffer);
}

static void describe_answer(const void *rq, void *rp, char *line, size_t cap)
{
  const DescribeRequest_ *q = (const DescribeRequest_ *)rq;
  DescribeResponse_ *r = (DescribeResponse_ *)rp;
  uint32_t i;
  r->descriptors._buffer = (rcl_interfaces_msg_dds__ParameterDescriptor_ *)seq_buf(q->names._length, sizeof *r->descriptors._buffer);
  r->descriptors._length = r->descriptors._maximum = q->names._length;
  for (i = 0; i < q->names._length; i++) {
    rcl_interfaces_msg_dds__ParameterDescriptor_ *d = &r->descriptors._buffer[i];
    const struct cparam *p = find_cparam(q->names._buffer[i]);
    d->name = q->names._buffer[i];
    d->description = p ? (char *)p->description : "";
    d->additional_constraints = "";
    if (p == NULL) continue; /* type 0 = not set */
    d->type = p->type;
    d->read_only = p->read_only;
  }
  snprintf(line, cap, "describe names=%u", (unsigned)q->names._length);
}

static void describe_release(void *rp)
{
  free(((DescribeResponse_ *)rp)->descriptors._buffer);
}

/* Sets a writable parameter when the type matches; every other name is refused with a reason, as rclcpp does. */
static void set_answer(const void *rq, void *rp, char *line, size_t cap)
{
  const SetRequest_ *q = (const SetRequest_ *)rq;
  SetResponse_ *r = (SetResponse_ *)rp;
  uint32_t i;
  size_t used = (size_t)snprintf(line, cap, "set");
  r->results._buffer = (rcl_interfaces_msg_dds__SetParametersResult_ *)seq_buf(q->parameters._length, sizeof *r->results._buffer);
  r->results._length = r->results._maximum = q->parameters._length;
  for (i = 0; i < q->parameters._length; i++) {
    const rcl_interfaces_msg_dds__Parameter_ *in = &q->parameters._buffer[i];
    rcl_interfaces_msg_dds__SetParametersResult_ *res = &r->results._buffer[i];
    struct cparam *p = find_cparam(in->name);
    res->reason = "";
    if (p == NULL) res->reason = "parameter not declared";
    else if (p->read_only) res->reason = "parameter is read-only";
    else if (in->value.type != p->type) res->reason = "wrong parameter type";
    else {
      p->integer_value = in->value.integer_value;
      res->successful = true;
    }
    if (used < cap) used += (size_t)snprintf(line + used, cap - used, " %s=%s", in->name, res->successful ? "ok" : "refused");
  }
}

static void set_release(void *rp)
{
  free(((SetResponse_ *)rp)->results._buffer);
}

/* The parameter services of the node (rq/<ns>/<node>/<name>Request, rr/.../<name>Reply), one service id each. */
static void make_param_service(struct served *sv, uint32_t counter, const char *name, const dds_topic_descriptor_t *req,
                               const dds_topic_descriptor_t *rep)
{
  char rq[300], rr[300], csid[64], userdata[256];
  peer_node_service_topic(rq, sizeof rq, &opt, "rq", name, "Request");
  peer_node_service_topic(rr, sizeof rr, &opt, "rr", name, "Reply");
  make_csid(csid, sizeof csid, counter);
  snprintf(userdata, sizeof userdata, "serviceid=%s;%s", csid, PEER_TYPEHASH_REQUEST);
  /* make_endpoint keeps the topic name for the "matched" lines: it must outlive this call */
  sv->req = make_endpoint(false, make_topic(req, rq), strdup(rq), make_qos(false, true, false, 10, userdata), true);
  snprintf(userdata, sizeof userdata, "serviceid=%s;%s", csid, PEER_TYPEHASH_RESPONSE);
  sv->rep = make_endpoint(true, make_topic(rep, rr), strdup(rr), make_qos(true, true, false, 10, userdata), true);
}

static void add_fill(union any_request *rq, long n, char *line, size_t cap)
{
  rq->add.a = opt.a + n - 1;
  rq->add.b = opt.b;
  snprintf(line, cap, "a=%lld b=%lld", (long long)rq->add.a, (long long)rq->add.b);
}
static void add_describe(const void *rp, char *out, size_t cap)
{
  snprintf(out, cap, "sum=%" PRId64, ((const Response_ *)rp)->sum);
}
static char report_description[128];
static void report_fill(union any_request *rq, long n, char *line, size_t cap)
{
  snprintf(report_description, sizeof report_description, "reported by the cyclone peer (%ld)", n);
  rq->report.fault_code = (char *)opt.code;
  rq->report.event_type = (uint8_t)opt.event_type;
  rq->report.severity = (uint8_t)opt.severity;
  rq->report.description = report_description;
  rq->report.source_id = opt.source_id;
  snprintf(line, cap, "code=%s event_type=%d severity=%d source=%s", opt.code, opt.event_type, opt.severity, opt.source_id);
}
static void report_describe(const void *rp, char *out, size_t cap)
{
  snprintf(out, cap, "accepted=%d", ((const ReportResponse_ *)rp)->accepted ? 1 : 0);
}
static const struct client_ops ADD_OPS = {add_fill, add_describe};
static const struct client_ops REPORT_OPS = {report_fill, report_describe};

/* Client state: request i is sent once both service endpoints matched; replies are kept
   only when their header carries our client id (all clients share the reply topic). */
struct client_state {
  uint64_t client_id;
  const struct client_ops *ops;
  long next;      /* number of the next request to send (1-based) */
  long pending;   /* request awaiting its reply, 0 if none */
  double due;     /* when to send the next request */
  double deadline;
  long ok, failed;
  long retried;   /* times the pending request was sent again */
  bool done;
};

static void client_step(struct client_state *c, dds_entity_t req_writer, dds_entity_t rep_reader)
{
  void *samples[16] = {NULL};
  dds_sample_info_t infos[16];
  double now = monotonic_s();
  char text[700];
  int n, i;
  n = dds_take(rep_reader, samples, infos, 16, 16);
  for (i = 0; i < n; i++) {
    const struct svc_hdr *rp = (const struct svc_hdr *)samples[i];
    if (!infos[i].valid_data) continue;
    c->ops->describe(samples[i], text, sizeof text);
    if (rp->hdr_guid != c->client_id) {
      peer_line("ignored client=%016" PRIx64 " seq=%" PRId64 " %s", rp->hdr_guid, rp->hdr_seq, text);
    } else if (c->pending != 0 && rp->hdr_seq == c->pending) {
      peer_line("response seq=%" PRId64 " %s", rp->hdr_seq, text);
      c->ok++;
      c->retried = 0;
      c->pending = 0;
      c->due = now + (double)opt.period_ms / 1000.0;
    }
  }
  if (n > 0) dds_return_loan(rep_reader, samples, n);

  if (c->pending != 0 && now > c->deadline) {
    if (c->retried < opt.retries) {
      /* Sent again under the same number: a server may have dropped it (see the Fast DDS peer). */
      peer_line("retry seq=%ld", c->pending);
      c->retried++;
      c->next = c->pending;
    } else {
      peer_line("timeout seq=%ld", c->pending);
      c->failed++;
      c->retried = 0;
    }
    c->pending = 0;
    c->due = now;
  }
  if (c->pending == 0 && c->next > opt.count && !c->done) {
    c->done = true;
    peer_line("done ok=%ld failed=%ld", c->ok, c->failed);
    return;
  }
  if (c->pending == 0 && !c->done && matched_count(req_writer) > 0 && matched_count(rep_reader) > 0) {
    union any_request rq;
    if (c->due == 0) c->due = now + (double)opt.period_ms / 1000.0; /* let the server match our reader */
    if (now < c->due) return;
    memset(&rq, 0, sizeof rq);
    c->ops->fill(&rq, c->next, text, sizeof text);
    rq.hdr.hdr_guid = c->client_id;
    rq.hdr.hdr_seq = c->next;
    dds_write(req_writer, &rq);
    peer_line("call seq=%ld %s", c->next, text);
    c->pending = c->next++;
    c->deadline = now + (double)opt.timeout_ms / 1000.0;
  }
}

/* ---- DDS-Security (SROS2) ------------------------------------------------------------ */

#ifndef CYCLONE_LIBDIR
#define CYCLONE_LIBDIR "/usr/lib"
#endif

/* Where the builtin security plugins are: PEER_CYCLONE_SECURITY_LIBDIR, else Debian's private directory
   of libddsc0debian (<libdir>/libddsc0debian, not on the loader path), else <libdir> (upstream's layout). */
static void security_libdir(char *out, size_t cap)
{
  const char *given = getenv("PEER_CYCLONE_SECURITY_LIBDIR");
  char probe[600];
  if (given != NULL && *given != 0) {
    snprintf(out, cap, "%s", given);
    return;
  }
  snprintf(probe, sizeof probe, "%s/libddsc0debian/libdds_security_auth.so", CYCLONE_LIBDIR);
  snprintf(out, cap, access(probe, R_OK) == 0 ? "%s/libddsc0debian" : "%s", CYCLONE_LIBDIR);
}

/* PEER_SECURITY_ENCLAVE=<enclave dir> (cert.pem, key.pem, identity_ca.cert.pem, permissions_ca.cert.pem,
   governance.p7s, permissions.p7s): appends a <Security> section with file: URIs to the enclave and the
   plugin libraries by full path to CYCLONEDDS_URI (a comma-separated list Cyclone merges), before the
   first DDS call reads it. Cyclone 0.10 has no authentication listener, so no "auth" lines: a refused
   peer shows as a handshake error on stderr and as endpoints that never match. */
static void secure_domain_config(void)
{
  const char *dir = getenv("PEER_SECURITY_ENCLAVE");
  const char *uri = getenv("CYCLONEDDS_URI");
  char lib[512];
  char *cfg;
  size_t cap;
  if (dir == NULL || *dir == 0) return;
  security_libdir(lib, sizeof lib);
  cap = 8 * strlen(dir) + 4 * strlen(lib) + (uri ? strlen(uri) : 0) + 2048;
  cfg = (char *)malloc(cap);
  if (cfg == NULL) die("malloc", DDS_RETCODE_OUT_OF_RESOURCES);
  snprintf(cfg, cap,
           "%s%s<CycloneDDS xmlns=\"https://cdds.io/config\"><Domain Id=\"any\"><Security>"
           "<Authentication><Library path=\"%s/libdds_security_auth.so\" initFunction=\"init_authentication\" finalizeFunction=\"finalize_authentication\"/>"
           "<IdentityCA>file:%s/identity_ca.cert.pem</IdentityCA><IdentityCertificate>file:%s/cert.pem</IdentityCertificate>"
           "<PrivateKey>file:%s/key.pem</PrivateKey></Authentication>"
           "<AccessControl><Library path=\"%s/libdds_security_ac.so\" initFunction=\"init_access_control\" finalizeFunction=\"finalize_access_control\"/>"
           "<PermissionsCA>file:%s/permissions_ca.cert.pem</PermissionsCA><Governance>file:%s/governance.p7s</Governance>"
           "<Permissions>file:%s/permissions.p7s</Permissions></AccessControl>"
           "<Cryptographic><Library path=\"%s/libdds_security_crypto.so\" initFunction=\"init_crypto\" finalizeFunction=\"finalize_crypto\"/></Cryptographic>"
           "</Security></Domain></CycloneDDS>",
           uri ? uri : "", uri && *uri ? "," : "", lib, dir, dir, dir, lib, dir, dir, dir, lib);
  setenv("CYCLONEDDS_URI", cfg, 1);
  free(cfg);
}

/* ---- main --------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
  dds_qos_t *pq;
  dds_entity_t t_info, info_writer, info_reader, ws;
  dds_entity_t data_writer = 0, data_reader = 0, req_writer = 0, rep_reader = 0;
  struct served services[4]; /* what the node serves (server: add_two_ints; params: the parameter services) */
  int n_services = 0, i;
  char hex[33];
  char userdata[512], csid[64];
  double start;
  struct peer_pacer pacer = {0, 0};
  long sent = 0;
  String_ msg;
  char *payload = NULL;
  struct client_state client;
  struct peer_rate rate;
  int exit_code = 0;

  setvbuf(stdout, NULL, _IOLBF, 0);
  peer_parse(argc, argv, &opt);
  peer_install_signals();
  memset(&client, 0, sizeof client);
  client.next = 1;
  peer_rate_init(&rate);

  secure_domain_config();
  pq = dds_create_qos();
  dds_qset_userdata(pq, "enclave=/;", 10); /* exactly what rmw_cyclonedds sends: no NUL */
  participant = check("dds_create_participant", dds_create_participant((dds_domainid_t)opt.domain, pq, NULL));
  dds_delete_qos(pq);
  dds_get_guid(participant, &participant_guid);
  ws = check("dds_create_waitset", dds_create_waitset(participant));

  switch (opt.mode) {
  case MODE_TALKER:
  case MODE_THROUGHPUT_PUB: {
    dds_entity_t t = make_topic(&std_msgs_msg_dds__String__desc, opt.topic);
    data_writer = make_endpoint(true, t, opt.topic,
                                make_qos(true, opt.reliable, opt.transient_local, opt.depth, PEER_TYPEHASH_STRING), true);
    break;
  }
  case MODE_LISTENER:
  case MODE_THROUGHPUT_SUB: {
    dds_entity_t t = make_topic(&std_msgs_msg_dds__String__desc, opt.topic);
    data_reader = make_endpoint(false, t, opt.topic,
                                make_qos(false, opt.reliable, opt.transient_local, opt.depth, PEER_TYPEHASH_STRING), true);
    break;
  }
  case MODE_SERVER: {
    dds_entity_t tq = make_topic(&example_interfaces_srv_dds__AddTwoInts_Request__desc, opt.req_topic);
    dds_entity_t tp = make_topic(&example_interfaces_srv_dds__AddTwoInts_Response__desc, opt.rep_topic);
    make_csid(csid, sizeof csid, 1);
    snprintf(userdata, sizeof userdata, "serviceid=%s;%s", csid, PEER_TYPEHASH_REQUEST);
    services[0].req = make_endpoint(false, tq, opt.req_topic, make_qos(false, true, false, 10, userdata), true);
    snprintf(userdata, sizeof userdata, "serviceid=%s;%s", csid, PEER_TYPEHASH_RESPONSE);
    services[0].rep = make_endpoint(true, tp, opt.rep_topic, make_qos(true, true, false, 10, userdata), true);
    services[0].reply_size = sizeof(Response_);
    services[0].answer = add_answer;
    services[0].release = NULL;
    n_services = 1;
    break;
  }
  case MODE_PARAMS_MUTE: {
    /* A node whose parameter services exist on the wire (matched, acknowledged) but never reply:
       the requests are never taken. */
    static char topics[4][300];
    const dds_topic_descriptor_t *descs[4] = {&rcl_interfaces_srv_dds__ListParameters_Request__desc, &rcl_interfaces_srv_dds__ListParameters_Response__desc,
                                              &rcl_interfaces_srv_dds__GetParameters_Request__desc, &rcl_interfaces_srv_dds__GetParameters_Response__desc};
    int i;
    peer_node_service_topic(topics[0], sizeof topics[0], &opt, "rq", "list_parameters", "Request");
    peer_node_service_topic(topics[1], sizeof topics[1], &opt, "rr", "list_parameters", "Reply");
    peer_node_service_topic(topics[2], sizeof topics[2], &opt, "rq", "get_parameters", "Request");
    peer_node_service_topic(topics[3], sizeof topics[3], &opt, "rr", "get_parameters", "Reply");
    for (i = 0; i < 4; i++) {
      bool writer = (i % 2) == 1;
      make_csid(csid, sizeof csid, (uint32_t)(1 + i / 2));
      snprintf(userdata, sizeof userdata, "serviceid=%s;%s", csid, writer ? PEER_TYPEHASH_RESPONSE : PEER_TYPEHASH_REQUEST);
      make_endpoint(writer, make_topic(descs[i], topics[i]), topics[i], make_qos(writer, true, false, 10, userdata), true);
    }
    break;
  }
  case MODE_PARAMS: {
    struct served list = {0, 0, sizeof(ListResponse_), list_answer, list_release};
    struct served get = {0, 0, sizeof(GetResponse_), get_answer, get_release};
    struct served describe = {0, 0, sizeof(DescribeResponse_), describe_answer, describe_release};
    struct served set = {0, 0, sizeof(SetResponse_), set_answer, set_release};
    make_param_service(&list, 1, "list_parameters", &rcl_interfaces_srv_dds__ListParameters_Request__desc, &rcl_interfaces_srv_dds__ListParameters_Response__desc);
    make_param_service(&get, 2, "get_parameters", &rcl_interfaces_srv_dds__GetParameters_Request__desc, &rcl_interfaces_srv_dds__GetParameters_Response__desc);
    make_param_service(&describe, 3, "describe_parameters", &rcl_interfaces_srv_dds__DescribeParameters_Request__desc, &rcl_interfaces_srv_dds__DescribeParameters_Response__desc);
    make_param_service(&set, 4, "set_parameters", &rcl_interfaces_srv_dds__SetParameters_Request__desc, &rcl_interfaces_srv_dds__SetParameters_Response__desc);
    services[n_services++] = list;
    services[n_services++] = get;
    services[n_services++] = describe;
    services[n_services++] = set;
    break;
  }
  case MODE_ACTION:
    peer_usage("action mode is served by the fastdds peer only");
    break;
  case MODE_CLIENT:
  case MODE_REPORT: {
    bool report = opt.mode == MODE_REPORT;
    dds_entity_t tq = make_topic(report ? &ros2_medkit_msgs_srv_dds__ReportFault_Request__desc : &example_interfaces_srv_dds__AddTwoInts_Request__desc, opt.req_topic);
    dds_entity_t tp = make_topic(report ? &ros2_medkit_msgs_srv_dds__ReportFault_Response__desc : &example_interfaces_srv_dds__AddTwoInts_Response__desc, opt.rep_topic);
    client.ops = report ? &REPORT_OPS : &ADD_OPS;
    make_csid(csid, sizeof csid, 1);
    snprintf(userdata, sizeof userdata, "clientid=%s;%s", csid, PEER_TYPEHASH_REQUEST);
    req_writer = make_endpoint(true, tq, opt.req_topic, make_qos(true, true, false, 10, userdata), true);
    snprintf(userdata, sizeof userdata, "clientid=%s;%s", csid, PEER_TYPEHASH_RESPONSE);
    rep_reader = make_endpoint(false, tp, opt.rep_topic, make_qos(false, true, false, 10, userdata), true);
    /* rmw_cyclonedds uses the request writer's instance handle as the 64-bit client id */
    {
      dds_instance_handle_t ih = 0;
      if (dds_get_instance_handle(req_writer, &ih) < 0) die("dds_get_instance_handle", DDS_RETCODE_ERROR);
      client.client_id = ih;
    }
    break;
  }
  }

  /* Participant-level graph endpoints, not listed under the node (like rmw). */
  t_info = make_topic(&rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, PEER_TOPIC_DISCOVERY);
  info_writer = make_endpoint(true, t_info, PEER_TOPIC_DISCOVERY, make_qos(true, true, true, 1, PEER_TYPEHASH_DISCOVERY), false);
  info_reader = make_endpoint(false, t_info, PEER_TOPIC_DISCOVERY, make_qos(false, true, true, 0, PEER_TYPEHASH_DISCOVERY), false);
  publish_discovery_info(info_writer);

  dds_set_status_mask(info_reader, DDS_DATA_AVAILABLE_STATUS);
  dds_waitset_attach(ws, info_reader, 0);
  if (data_reader) {
    dds_set_status_mask(data_reader, DDS_DATA_AVAILABLE_STATUS);
    dds_waitset_attach(ws, data_reader, 0);
  }
  for (i = 0; i < n_services; i++) {
    dds_set_status_mask(services[i].req, DDS_DATA_AVAILABLE_STATUS);
    dds_waitset_attach(ws, services[i].req, 0);
  }
  if (rep_reader) {
    dds_set_status_mask(rep_reader, DDS_DATA_AVAILABLE_STATUS);
    dds_waitset_attach(ws, rep_reader, 0);
  }

  guid_hex(&participant_guid, hex);
  peer_line("ready guid=%s vendor=cyclone gid=%d domain=%d node=%s%s%s", hex, GID_SIZE, opt.domain, opt.ns,
            strcmp(opt.ns, "/") == 0 ? "" : "/", opt.node_name);

  start = monotonic_s();
  if (opt.mode == MODE_THROUGHPUT_PUB) payload = (char *)malloc((size_t)opt.size + 32);
  while (!peer_stop) {
    double now = monotonic_s();
    if (opt.duration_s > 0 && now - start >= opt.duration_s) break;
    print_matches();
    if (opt.mode == MODE_TALKER) {
      if ((opt.count == 0 || sent < opt.count) &&
          peer_pace(&pacer, matched_count(data_writer), opt.wait_match, opt.period_ms, opt.period_ms)) {
        msg.data = peer_message(++sent, opt.size, "Hello World: ");
        dds_write(data_writer, &msg);
        peer_line("sent seq=%ld len=%zu", sent, strlen(msg.data));
        free(msg.data);
        if (opt.count > 0 && sent == opt.count) peer_line("done sent=%ld", sent);
      }
      dds_sleepfor(DDS_MSECS(5));
    } else if (opt.mode == MODE_THROUGHPUT_PUB) {
      /* As fast as the writer accepts samples; report the send rate once per second. */
      if ((opt.count == 0 || sent < opt.count) &&
          peer_pace(&pacer, matched_count(data_writer), opt.wait_match, opt.period_ms, 0)) {
        long batch;
        for (batch = 0; batch < 256 && !(opt.count > 0 && sent >= opt.count); batch++) {
          peer_throughput_payload(payload, ++sent, opt.size);
          msg.data = payload;
          while (dds_write(data_writer, &msg) == DDS_RETCODE_TIMEOUT && !peer_stop) {
          }
          rate.samples++;
        }
        if (opt.count > 0 && sent >= opt.count) peer_line("done sent=%ld", sent);
      } else {
        dds_sleepfor(DDS_MSECS(5));
      }
      peer_sent_tick(&rate, sent);
      take_discovery_info(info_reader);
      continue;
    } else {
      dds_waitset_wait(ws, NULL, 0, DDS_MSECS(20));
    }
    take_discovery_info(info_reader);
    if (data_reader) {
      void *samples[64] = {NULL};
      dds_sample_info_t infos[64];
      int n = dds_take(data_reader, samples, infos, 64, 64), i;
      for (i = 0; i < n; i++) {
        if (!infos[i].valid_data) continue;
        if (opt.mode == MODE_LISTENER) peer_print_heard(((const String_ *)samples[i])->data);
        else peer_rate_sample(&rate, ((const String_ *)samples[i])->data);
      }
      if (n > 0) dds_return_loan(data_reader, samples, n);
      if (opt.mode == MODE_THROUGHPUT_SUB) peer_rate_tick(&rate);
    }
    for (i = 0; i < n_services; i++) serve_requests(&services[i]);
    if (rep_reader) {
      client_step(&client, req_writer, rep_reader);
      if (client.done && opt.duration_s <= 0) break;
    }
  }
  if ((opt.mode == MODE_CLIENT || opt.mode == MODE_REPORT) && client.failed > 0) exit_code = 1;
  if (opt.mode == MODE_THROUGHPUT_SUB) peer_line("total samples=%ld lost=%ld", rate.total, rate.lost);
  free(payload);
  /* Deleting the participant disposes its endpoints and itself on the wire. */
  dds_delete(participant);
  peer_line("bye");
  return exit_code;
}
