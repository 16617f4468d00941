/* Keyed-topic peer on Cyclone DDS (see keyed_args.h for the command line and README.md). */
#include <stdio.h>
#include "dds/dds.h"
#include "peer_common.h"
#include "keyed_args.h"
#include "keyed.h"

static dds_entity_t check(const char *what, dds_entity_t e)
{
  if (e < 0) {
    fprintf(stderr, "%s: %s\n", what, dds_strretcode(e));
    exit(1);
  }
  return e;
}

static const char *state_name(dds_instance_state_t s)
{
  return s == DDS_IST_ALIVE ? "alive" : s == DDS_IST_NOT_ALIVE_DISPOSED ? "disposed" : "no-writers";
}

int main(int argc, char **argv)
{
  struct keyed_options o;
  dds_guid_t g;
  char hex[33];
  double start = monotonic_s();
  keyed_parse(argc, argv, &o);
  peer_install_signals();
  dds_entity_t participant = check("dds_create_participant", dds_create_participant((dds_domainid_t)o.domain, NULL, NULL));
  dds_entity_t topic = check("dds_create_topic", dds_create_topic(participant, &medkit_test_Keyed_desc, o.topic, NULL, NULL));
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, 10);
  dds_entity_t ep = o.publish ? check("dds_create_writer", dds_create_writer(participant, topic, q, NULL))
                              : check("dds_create_reader", dds_create_reader(participant, topic, q, NULL));
  dds_delete_qos(q);
  dds_get_guid(ep, &g);
  peer_hex(g.v, 16, hex);
  peer_line("endpoint %s %s guid=%s", o.publish ? "writer" : "reader", o.topic, hex);
  dds_get_guid(participant, &g);
  peer_hex(g.v, 16, hex);
  peer_line("ready guid=%s vendor=cyclone domain=%d", hex, o.domain);

  long sent = 0;
  int disposed = 0;
  char name[32];
  while (!peer_stop && (o.duration_s <= 0 || monotonic_s() - start < o.duration_s)) {
    if (o.publish) {
      dds_publication_matched_status_t st;
      dds_get_publication_matched_status(ep, &st);
      if (sent < o.count && (int)st.current_count >= o.wait_match) {
        sleep_ms(o.period_ms);
        sent++;
        medkit_test_Keyed s;
        s.id = (int32_t)((sent - 1) % o.keys);
        snprintf(name, sizeof name, "key-%d", (int)s.id);
        s.name = name;
        s.seq = (uint32_t)sent;
        if (dds_write(ep, &s) < 0) exit(1);
        peer_line("sent seq=%ld id=%d name=%s", sent, (int)s.id, name);
      } else if (sent == o.count && !disposed) {
        medkit_test_Keyed s = { .id = 0, .name = "key-0", .seq = 0 };
        if (dds_dispose(ep, &s) < 0) exit(1);
        disposed = 1;
        peer_line("disposed id=0 name=key-0");
      } else {
        sleep_ms(10);
      }
    } else {
      void *samples[16] = { NULL };
      dds_sample_info_t infos[16];
      int n = dds_take(ep, samples, infos, 16, 16);
      for (int i = 0; i < n; i++) {
        const medkit_test_Keyed *s = samples[i];
        if (infos[i].valid_data) peer_line("sample id=%d name=%s seq=%u", (int)s->id, s->name, (unsigned)s->seq);
        else peer_line("instance id=%d name=%s state=%s", (int)s->id, s->name ? s->name : "", state_name(infos[i].instance_state));
      }
      if (n > 0) dds_return_loan(ep, samples, n);
      else sleep_ms(10);
    }
  }
  dds_delete(participant);
  peer_line("bye");
  return 0;
}
