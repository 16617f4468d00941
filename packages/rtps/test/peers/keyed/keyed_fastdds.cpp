/* Keyed-topic peer on Fast DDS (see keyed_args.h for the command line and README.md). Fast DDS
   instance handles are key hashes, so every line carries the hash it computed (handle=<hex>). */
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>

#include "peer_common.h"
#include "keyed_args.h"
#include "keyedPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::GUID_t;
using eprosima::fastrtps::rtps::InstanceHandle_t;

static std::string hex16(const uint8_t* b)
{
  char out[33];
  peer_hex(b, 16, out);
  return out;
}

static std::string guid_hex(const GUID_t& g)
{
  uint8_t b[16];
  memcpy(b, g.guidPrefix.value, 12);
  memcpy(b + 12, g.entityId.value, 4);
  return hex16(b);
}

/* Reliable, keep last 10, UDP only (no data sharing), for a writer's or a reader's QoS. */
template <typename Qos>
static Qos reliable_keep_last_10(Qos q)
{
  q.reliability().kind = RELIABLE_RELIABILITY_QOS;
  q.history().kind = KEEP_LAST_HISTORY_QOS;
  q.history().depth = 10;
  q.data_sharing().off();
  return q;
}

static void die(const char* what)
{
  fprintf(stderr, "%s failed\n", what);
  exit(1);
}

int main(int argc, char** argv)
{
  keyed_options o;
  keyed_parse(argc, argv, &o);
  peer_install_signals();
  double start = monotonic_s();

  DomainParticipantFactory* factory = DomainParticipantFactory::get_instance();
  factory->load_profiles(); /* FASTRTPS_DEFAULT_PROFILES_FILE: the loopback profile */
  DomainParticipant* participant = factory->create_participant(o.domain, factory->get_default_participant_qos());
  if (participant == nullptr) die("create_participant");
  TypeSupport ts(new medkit_test::KeyedPubSubType());
  if (ts.register_type(participant) != ReturnCode_t::RETCODE_OK) die("register_type");
  Topic* topic = participant->create_topic(o.topic, ts.get_type_name(), TOPIC_QOS_DEFAULT);
  if (topic == nullptr) die("create_topic");

  DataWriter* writer = nullptr;
  DataReader* reader = nullptr;
  if (o.publish) {
    Publisher* pub = participant->create_publisher(PUBLISHER_QOS_DEFAULT);
    writer = pub->create_datawriter(topic, reliable_keep_last_10(pub->get_default_datawriter_qos()));
    if (writer == nullptr) die("create_datawriter");
    peer_line("endpoint writer %s guid=%s", o.topic, guid_hex(writer->guid()).c_str());
  } else {
    Subscriber* sub = participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
    reader = sub->create_datareader(topic, reliable_keep_last_10(sub->get_default_datareader_qos()));
    if (reader == nullptr) die("create_datareader");
    peer_line("endpoint reader %s guid=%s", o.topic, guid_hex(reader->guid()).c_str());
  }
  peer_line("ready guid=%s vendor=fastdds domain=%d", guid_hex(participant->guid()).c_str(), o.domain);

  long sent = 0;
  bool disposed = false;
  while (!peer_stop && (o.duration_s <= 0 || monotonic_s() - start < o.duration_s)) {
    if (writer) {
      PublicationMatchedStatus st;
      writer->get_publication_matched_status(st);
      if (sent < o.count && st.current_count >= o.wait_match) {
        sleep_ms(o.period_ms);
        sent++;
        medkit_test::Keyed s;
        s.id((int32_t)((sent - 1) % o.keys));
        s.name("key-" + std::to_string(s.id()));
        s.seq((uint32_t)sent);
        InstanceHandle_t h;
        ts.get_key(&s, &h, false);
        if (!writer->write(&s)) die("write");
        peer_line("sent seq=%ld id=%d name=%s handle=%s", sent, (int)s.id(), s.name().c_str(), hex16(h.value).c_str());
      } else if (sent == o.count && !disposed) {
        medkit_test::Keyed s;
        s.id(0);
        s.name("key-0");
        if (writer->dispose(&s, HANDLE_NIL) != ReturnCode_t::RETCODE_OK) die("dispose");
        disposed = true;
        peer_line("disposed id=0 name=key-0");
      } else {
        sleep_ms(10);
      }
    } else {
      medkit_test::Keyed s;
      SampleInfo info;
      bool any = false;
      while (reader->take_next_sample(&s, &info) == ReturnCode_t::RETCODE_OK) {
        any = true;
        std::string h = hex16(info.instance_handle.value);
        if (info.valid_data) {
          peer_line("sample id=%d name=%s seq=%u handle=%s", (int)s.id(), s.name().c_str(), (unsigned)s.seq(), h.c_str());
        } else {
          const char* state = info.instance_state == NOT_ALIVE_DISPOSED_INSTANCE_STATE ? "disposed" : info.instance_state == ALIVE_INSTANCE_STATE ? "alive" : "no-writers";
          peer_line("instance handle=%s state=%s", h.c_str(), state);
        }
      }
      if (!any) sleep_ms(10);
    }
  }
  participant->delete_contained_entities();
  factory->delete_participant(participant);
  peer_line("bye");
  return 0;
}
