/*
 * A ROS 2 client of medkit's SOVD service interface built on Cyclone DDS, as a node using rmw_cyclonedds would
 * call it: types generated (idlc -t) from the ros2_medkit_msgs .srv/.msg files (srv-idl.ts), topics
 * rq/<service>Request and rr/<service>Reply, the 16-byte (client id, sequence) header in the payload,
 * "clientid=...;" endpoint USER_DATA. Calls one service once and prints the answer, one line per item:
 *   si_client <domain> <service> <list_entities|list_entity_faults|get_capabilities|get_entity_data> [args...]
 *     list_entities <entity_type> <parent_id> | list_entity_faults <entity_id> | get_capabilities <entity_id>
 *     get_entity_data <entity_id> [data_key...]
 * Lines: "ready", "call", "success=0|1", "error_message=<text>", then "entity id=..|name=..|type=..|parent=..|
 * fqn=..|caps=a,b", "fault code=..|severity=..|status=..|count=..|sources=a,b|first_sec=..|description=..",
 * "capabilities=a,b", "resource_types=a,b" or "data_json=<json>", and "done"; "timeout" (exit 1) without a reply.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "dds/dds.h"
#include "peer_common.h"
#include "si_types.h"

#define REPLY_TIMEOUT_S 10.0

typedef ros2_medkit_msgs_srv_dds__ListEntities_Request_ LeReq;
typedef ros2_medkit_msgs_srv_dds__ListEntities_Response_ LeRep;
typedef ros2_medkit_msgs_srv_dds__ListFaultsForEntity_Request_ LfReq;
typedef ros2_medkit_msgs_srv_dds__ListFaultsForEntity_Response_ LfRep;
typedef ros2_medkit_msgs_srv_dds__GetCapabilities_Request_ GcReq;
typedef ros2_medkit_msgs_srv_dds__GetCapabilities_Response_ GcRep;
typedef ros2_medkit_msgs_srv_dds__GetEntityData_Request_ GdReq;
typedef ros2_medkit_msgs_srv_dds__GetEntityData_Response_ GdRep;

/* Every request and reply starts with the rmw_cyclonedds header. */
struct svc_hdr {
  uint64_t hdr_guid;
  int64_t hdr_seq;
};

static void die(const char *what, dds_return_t rc)
{
  fprintf(stderr, "%s failed: %s\n", what, dds_strretcode(rc));
  exit(1);
}

/* "a,b,c" of a string sequence. */
static void join(char *out, size_t cap, char **items, uint32_t n)
{
  size_t used = 0;
  uint32_t i;
  out[0] = '\0';
  for (i = 0; i < n && used < cap; i++) used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "", items[i]);
}

static void print_status(bool success, const char *error_message)
{
  peer_line("success=%d", success ? 1 : 0);
  peer_line("error_message=%s", error_message);
}

static void print_reply(const char *kind, const void *rp)
{
  static char a[8192], b[8192];
  uint32_t i;
  if (strcmp(kind, "list_entities") == 0) {
    const LeRep *r = rp;
    print_status(r->success, r->error_message);
    for (i = 0; i < r->entities._length; i++) {
      const ros2_medkit_msgs_msg_dds__EntityInfo_ *e = &r->entities._buffer[i];
      join(a, sizeof a, e->capabilities._buffer, e->capabilities._length);
      peer_line("entity id=%s|name=%s|type=%s|parent=%s|fqn=%s|caps=%s", e->id, e->name, e->entity_type, e->parent_id, e->fqn, a);
    }
  } else if (strcmp(kind, "list_entity_faults") == 0) {
    const LfRep *r = rp;
    print_status(r->success, r->error_message);
    for (i = 0; i < r->faults._length; i++) {
      const ros2_medkit_msgs_msg_dds__Fault_ *f = &r->faults._buffer[i];
      join(a, sizeof a, f->reporting_sources._buffer, f->reporting_sources._length);
      peer_line("fault code=%s|severity=%u|status=%s|count=%u|sources=%s|first_sec=%d|description=%s", f->fault_code, (unsigned)f->severity,
                f->status, (unsigned)f->occurrence_count, a, (int)f->first_occurred.sec, f->description);
    }
  } else if (strcmp(kind, "get_capabilities") == 0) {
    const GcRep *r = rp;
    print_status(r->success, r->error_message);
    join(a, sizeof a, r->capabilities._buffer, r->capabilities._length);
    join(b, sizeof b, r->resource_types._buffer, r->resource_types._length);
    peer_line("capabilities=%s", a);
    peer_line("resource_types=%s", b);
  } else {
    const GdRep *r = rp;
    print_status(r->success, r->error_message);
    peer_line("data_json=%s", r->data_json);
  }
}

static int32_t pub_matched(dds_entity_t w)
{
  dds_publication_matched_status_t st;
  return dds_get_publication_matched_status(w, &st) < 0 ? 0 : (int32_t)st.current_count;
}

static int32_t sub_matched(dds_entity_t r)
{
  dds_subscription_matched_status_t st;
  return dds_get_subscription_matched_status(r, &st) < 0 ? 0 : (int32_t)st.current_count;
}

static dds_qos_t *service_qos(bool writer, const char *userdata)
{
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 10);
  dds_qset_durability(q, DDS_DURABILITY_VOLATILE);
  if (writer) dds_qset_writer_data_lifecycle(q, false);
  dds_qset_userdata(q, userdata, strlen(userdata));
  return q;
}

int main(int argc, char **argv)
{
  const dds_topic_descriptor_t *req_desc, *rep_desc;
  union {
    struct svc_hdr hdr;
    LeReq le;
    LfReq lf;
    GcReq gc;
    GdReq gd;
  } rq;
  char req_topic[300], rep_topic[300], userdata[256], csid[64];
  dds_entity_t participant, tq, tp, writer, reader;
  dds_qos_t *pq;
  dds_guid_t pg;
  dds_instance_handle_t client_id = 0;
  const char *kind;
  double deadline, due = 0;
  bool sent = false;
  int domain, i;

  setvbuf(stdout, NULL, _IOLBF, 0);
  peer_install_signals();
  if (argc < 4) {
    fprintf(stderr, "usage: si_client <domain> <service> <kind> [args...]\n");
    return 2;
  }
  domain = atoi(argv[1]);
  kind = argv[3];
  memset(&rq, 0, sizeof rq);
  if (strcmp(kind, "list_entities") == 0 && argc == 6) {
    req_desc = &ros2_medkit_msgs_srv_dds__ListEntities_Request__desc;
    rep_desc = &ros2_medkit_msgs_srv_dds__ListEntities_Response__desc;
    rq.le.entity_type = argv[4];
    rq.le.parent_id = argv[5];
  } else if (strcmp(kind, "list_entity_faults") == 0 && argc == 5) {
    req_desc = &ros2_medkit_msgs_srv_dds__ListFaultsForEntity_Request__desc;
    rep_desc = &ros2_medkit_msgs_srv_dds__ListFaultsForEntity_Response__desc;
    rq.lf.entity_id = argv[4];
  } else if (strcmp(kind, "get_capabilities") == 0 && argc == 5) {
    req_desc = &ros2_medkit_msgs_srv_dds__GetCapabilities_Request__desc;
    rep_desc = &ros2_medkit_msgs_srv_dds__GetCapabilities_Response__desc;
    rq.gc.entity_id = argv[4];
  } else if (strcmp(kind, "get_entity_data") == 0 && argc >= 5) {
    req_desc = &ros2_medkit_msgs_srv_dds__GetEntityData_Request__desc;
    rep_desc = &ros2_medkit_msgs_srv_dds__GetEntityData_Response__desc;
    rq.gd.entity_id = argv[4];
    rq.gd.data_keys._length = rq.gd.data_keys._maximum = (uint32_t)(argc - 5);
    rq.gd.data_keys._buffer = argv + 5;
    rq.gd.data_keys._release = false;
  } else {
    fprintf(stderr, "unknown service kind or wrong arguments: %s\n", kind);
    return 2;
  }
  /* ROS service /a/b → DDS topics rq/a/bRequest and rr/a/bReply. */
  snprintf(req_topic, sizeof req_topic, "rq%sRequest", argv[2]);
  snprintf(rep_topic, sizeof rep_topic, "rr%sReply", argv[2]);

  pq = dds_create_qos();
  dds_qset_userdata(pq, "enclave=/;", 10);
  participant = dds_create_participant((dds_domainid_t)domain, pq, NULL);
  dds_delete_qos(pq);
  if (participant < 0) die("dds_create_participant", participant);
  dds_get_guid(participant, &pg);
  /* rmw_cyclonedds' client id string: participant GID bytes 0-11 and a counter, hex joined by '.'. */
  {
    size_t used = (size_t)snprintf(csid, sizeof csid, "%02x", pg.v[0]);
    for (i = 1; i < 12; i++) used += (size_t)snprintf(csid + used, sizeof csid - used, ".%x", pg.v[i]);
    snprintf(csid + used, sizeof csid - used, ".0.0.0.1");
  }
  if ((tq = dds_create_topic(participant, req_desc, req_topic, NULL, NULL)) < 0) die("dds_create_topic(request)", tq);
  if ((tp = dds_create_topic(participant, rep_desc, rep_topic, NULL, NULL)) < 0) die("dds_create_topic(reply)", tp);
  snprintf(userdata, sizeof userdata, "clientid=%s;%s", csid, PEER_TYPEHASH_REQUEST);
  if ((writer = dds_create_writer(participant, tq, service_qos(true, userdata), NULL)) < 0) die("dds_create_writer", writer);
  snprintf(userdata, sizeof userdata, "clientid=%s;%s", csid, PEER_TYPEHASH_RESPONSE);
  if ((reader = dds_create_reader(participant, tp, service_qos(false, userdata), NULL)) < 0) die("dds_create_reader", reader);
  /* rmw_cyclonedds uses the request writer's instance handle as the 64-bit client id. */
  if (dds_get_instance_handle(writer, &client_id) < 0) die("dds_get_instance_handle", DDS_RETCODE_ERROR);
  peer_line("ready");

  deadline = monotonic_s() + 30.0; /* discovery plus the reply */
  while (!peer_stop && monotonic_s() < deadline) {
    void *samples[4] = {NULL};
    dds_sample_info_t infos[4];
    int n, k;
    double now = monotonic_s();
    if (!sent && pub_matched(writer) > 0 && sub_matched(reader) > 0) {
      /* Give the server a moment to match our reply reader, as rmw's clients effectively do. */
      if (due == 0) due = now + 0.3;
      if (now >= due) {
        rq.hdr.hdr_guid = client_id;
        rq.hdr.hdr_seq = 1;
        if (dds_write(writer, &rq) < 0) die("dds_write", DDS_RETCODE_ERROR);
        peer_line("call");
        sent = true;
        deadline = now + REPLY_TIMEOUT_S;
      }
    }
    n = dds_take(reader, samples, infos, 4, 4);
    for (k = 0; k < n; k++) {
      const struct svc_hdr *h = samples[k];
      if (!infos[k].valid_data || h->hdr_guid != client_id || h->hdr_seq != 1) continue;
      print_reply(kind, samples[k]);
      peer_line("done");
      dds_return_loan(reader, samples, n);
      dds_delete(participant);
      return 0;
    }
    if (n > 0) dds_return_loan(reader, samples, n);
    dds_sleepfor(DDS_MSECS(10));
  }
  peer_line("timeout");
  dds_delete(participant);
  return 1;
}
