/* Command line of the keyed peers (keyed_cyclone.c, keyed_fastdds.cpp):
     peer keyed-pub|keyed-sub [--domain N] [--count K] [--period-ms P] [--wait-match N]
                              [--topic T] [--keys N] [--duration-s S]
   keyed-pub: after --wait-match readers matched, writes sample i = 1..K with
   id = (i - 1) % keys, name = "key-<id>", seq = i, one per period; then disposes the
   instance id 0 / "key-0" and keeps running. keyed-sub: prints every sample and every
   instance state change. Other harness flags are accepted and ignored. */
#ifndef MEDKIT_KEYED_ARGS_H
#define MEDKIT_KEYED_ARGS_H

#include <stdlib.h>
#include <string.h>

struct keyed_options {
  int publish;       /* keyed-pub (1) or keyed-sub (0) */
  int domain;
  long count;
  long period_ms;
  int wait_match;
  long keys;
  double duration_s;
  const char *topic;
};

static void keyed_parse(int argc, char **argv, struct keyed_options *o)
{
  const char *env_domain = getenv("ROS_DOMAIN_ID");
  int i;
  memset(o, 0, sizeof *o);
  o->domain = env_domain ? atoi(env_domain) : 0;
  o->count = 10;
  o->period_ms = 100;
  o->wait_match = 1;
  o->keys = 3;
  o->topic = "medkit/keyed";
  if (argc < 2 || (strcmp(argv[1], "keyed-pub") != 0 && strcmp(argv[1], "keyed-sub") != 0)) {
    fprintf(stderr, "usage: peer keyed-pub|keyed-sub [--domain N] [--count K] [--period-ms P] [--wait-match N] [--topic T] [--keys N] [--duration-s S]\n");
    exit(2);
  }
  o->publish = strcmp(argv[1], "keyed-pub") == 0;
  for (i = 2; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (strcmp(k, "--domain") == 0) o->domain = atoi(v);
    else if (strcmp(k, "--count") == 0) o->count = atol(v);
    else if (strcmp(k, "--period-ms") == 0) o->period_ms = atol(v);
    else if (strcmp(k, "--wait-match") == 0) o->wait_match = atoi(v);
    else if (strcmp(k, "--topic") == 0) o->topic = v;
    else if (strcmp(k, "--keys") == 0) o->keys = atol(v) > 0 ? atol(v) : 1;
    else if (strcmp(k, "--duration-s") == 0) o->duration_s = atof(v);
  }
}

#endif
