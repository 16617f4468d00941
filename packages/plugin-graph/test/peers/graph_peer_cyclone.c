/*
 * The graph watchdog's test peer (docs/graph.md): a Cyclone DDS participant that publishes what the topic
 * detectors read, one message per command line on stdin, so a test decides every stamp and value:
 *   tf <parent> <child> <age_ms>       one transform on rt/tf, stamped age_ms before now
 *   static <parent> <child>            adds a static transform; the whole set goes out on rt/tf_static
 *   point <topic> <age_ms> <x> <y>     a geometry_msgs/PointStamped on rt/<topic> (no leading slash)
 *   diag <name> <key> <value>          a DiagnosticArray with one status on rt/diagnostics
 *   drop <tf|tf_static|diagnostics|<topic>>   deletes that writer: it leaves the graph
 * Writers are made on first use with rmw's QoS for the topic (tf_static: reliable, transient local, keep
 * last 1; the rest: reliable, volatile). Prints "ready guid=<hex>" once, "ok <command>" after each line, and
 * exits when stdin closes. Build: idlc -t graph_types.idl && gcc graph_peer_cyclone.c graph_types.c -lddsc
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dds/dds.h"
#include "graph_types.h"

typedef geometry_msgs_msg_dds__TransformStamped_ TransformStamped_;

#define MAX_WRITERS 16
#define MAX_STATICS 32
#define NAME_CAP 128

struct writer {
  char topic[NAME_CAP];
  dds_entity_t entity;
};

static dds_entity_t participant;
static struct writer writers[MAX_WRITERS];
static int n_writers;
static TransformStamped_ statics[MAX_STATICS];
static char static_names[MAX_STATICS][2][NAME_CAP];
static int n_statics;

static void die(const char *what, dds_return_t rc)
{
  fprintf(stderr, "%s failed: %s\n", what, dds_strretcode(rc));
  exit(1);
}

/* The stamp age_ms before the wall clock (what a ROS node's now() gives). */
static builtin_interfaces_msg_dds__Time_ stamp_before(long age_ms)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long long ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - (long long)age_ms * 1000000LL;
  builtin_interfaces_msg_dds__Time_ t = {(int32_t)(ns / 1000000000LL), (uint32_t)(ns % 1000000000LL)};
  return t;
}

static dds_entity_t writer_for(const char *topic, const dds_topic_descriptor_t *desc, bool latched)
{
  for (int i = 0; i < n_writers; i++)
    if (writers[i].entity && strcmp(writers[i].topic, topic) == 0) return writers[i].entity;
  if (n_writers >= MAX_WRITERS) die("writer_for (too many writers)", DDS_RETCODE_OUT_OF_RESOURCES);
  char dds_name[NAME_CAP + 3];
  snprintf(dds_name, sizeof dds_name, "rt/%s", topic);
  dds_entity_t t = dds_create_topic(participant, desc, dds_name, NULL, NULL);
  if (t < 0) die("dds_create_topic", t);
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_durability(q, latched ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, latched ? 1 : 10);
  dds_entity_t w = dds_create_writer(participant, t, q, NULL);
  dds_delete_qos(q);
  if (w < 0) die("dds_create_writer", w);
  snprintf(writers[n_writers].topic, NAME_CAP, "%s", topic);
  writers[n_writers++].entity = w;
  return w;
}

static void fill_transform(TransformStamped_ *m, char *parent, char *child, long age_ms)
{
  memset(m, 0, sizeof *m);
  m->header.stamp = stamp_before(age_ms);
  m->header.frame_id = parent;
  m->child_frame_id = child;
  m->transform.rotation.w = 1.0;
}

static void cmd_tf(char *parent, char *child, long age_ms)
{
  TransformStamped_ one;
  fill_transform(&one, parent, child, age_ms);
  tf2_msgs_msg_dds__TFMessage_ msg = {{1, 1, &one, false}};
  dds_return_t rc = dds_write(writer_for("tf", &tf2_msgs_msg_dds__TFMessage__desc, false), &msg);
  if (rc < 0) die("dds_write tf", rc);
}

static void cmd_static(const char *parent, const char *child)
{
  if (n_statics >= MAX_STATICS) die("static (too many)", DDS_RETCODE_OUT_OF_RESOURCES);
  snprintf(static_names[n_statics][0], NAME_CAP, "%s", parent);
  snprintf(static_names[n_statics][1], NAME_CAP, "%s", child);
  fill_transform(&statics[n_statics], static_names[n_statics][0], static_names[n_statics][1], 0);
  n_statics++;
  tf2_msgs_msg_dds__TFMessage_ msg = {{(uint32_t)n_statics, (uint32_t)n_statics, statics, false}};
  dds_return_t rc = dds_write(writer_for("tf_static", &tf2_msgs_msg_dds__TFMessage__desc, true), &msg);
  if (rc < 0) die("dds_write tf_static", rc);
}

static void cmd_point(const char *topic, long age_ms, double x, double y)
{
  geometry_msgs_msg_dds__PointStamped_ msg;
  memset(&msg, 0, sizeof msg);
  msg.header.stamp = stamp_before(age_ms);
  msg.header.frame_id = "";
  msg.point.x = x;
  msg.point.y = y;
  dds_return_t rc = dds_write(writer_for(topic, &geometry_msgs_msg_dds__PointStamped__desc, false), &msg);
  if (rc < 0) die("dds_write point", rc);
}

static void cmd_diag(char *name, char *key, char *value)
{
  diagnostic_msgs_msg_dds__KeyValue_ kv = {key, value};
  diagnostic_msgs_msg_dds__DiagnosticStatus_ st = {0, name, "", "", {1, 1, &kv, false}};
  diagnostic_msgs_msg_dds__DiagnosticArray_ msg;
  memset(&msg, 0, sizeof msg);
  msg.header.stamp = stamp_before(0);
  msg.header.frame_id = "";
  msg.status._maximum = msg.status._length = 1;
  msg.status._buffer = &st;
  dds_return_t rc = dds_write(writer_for("diagnostics", &diagnostic_msgs_msg_dds__DiagnosticArray__desc, false), &msg);
  if (rc < 0) die("dds_write diagnostics", rc);
}

static void cmd_drop(const char *topic)
{
  for (int i = 0; i < n_writers; i++) {
    if (!writers[i].entity || strcmp(writers[i].topic, topic) != 0) continue;
    dds_delete(writers[i].entity);
    writers[i].entity = 0;
    writers[i].topic[0] = '\0';
  }
  if (strcmp(topic, "tf_static") == 0) n_statics = 0;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: graph_peer <domain>\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  dds_qos_t *pq = dds_create_qos();
  dds_qset_userdata(pq, "enclave=/;", 10);
  participant = dds_create_participant((dds_domainid_t)atoi(argv[1]), pq, NULL);
  dds_delete_qos(pq);
  if (participant < 0) die("dds_create_participant", participant);
  dds_guid_t g;
  dds_get_guid(participant, &g);
  printf("ready guid=");
  for (int i = 0; i < 16; i++) printf("%02x", g.v[i]);
  printf("\n");

  char line[1024], a[NAME_CAP], b[NAME_CAP], c[NAME_CAP];
  long n;
  double x, y;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    if (sscanf(line, "tf %127s %127s %ld", a, b, &n) == 3) cmd_tf(a, b, n);
    else if (sscanf(line, "static %127s %127s", a, b) == 2) cmd_static(a, b);
    else if (sscanf(line, "point %127s %ld %lf %lf", a, &n, &x, &y) == 4) cmd_point(a, n, x, y);
    else if (sscanf(line, "diag %127s %127s %127s", a, b, c) == 3) cmd_diag(a, b, c);
    else if (sscanf(line, "drop %127s", a) == 1) cmd_drop(a);
    else {
      printf("error unknown command: %s\n", line);
      continue;
    }
    printf("ok %s\n", line);
  }
  dds_delete(participant);
  return 0;
}
