/*
 * A ROS 2 client of medkit's SOVD service interface built on Fast DDS, as a node using rmw_fastrtps would call
 * it: types generated (fastddsgen) from the ros2_medkit_msgs .srv/.msg files (srv-idl.ts), topics
 * rq/<service>Request and rr/<service>Reply, the request naming its reply reader in the related sample identity
 * (inline QoS), the reply matched by the request's sequence number. Same command line and lines as
 * si_client_cyclone.c:
 *   si_client <domain> <service> <list_entities|list_entity_faults|get_capabilities|get_entity_data> [args...]
 */
#include <cinttypes>
#include <string>
#include <vector>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>
#include <fastdds/rtps/common/WriteParams.h>

#include "peer_common.h"
#include "si_typesPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::SequenceNumber_t;
using eprosima::fastrtps::rtps::WriteParams;
namespace srv = ros2_medkit_msgs::srv::dds_;

namespace {

constexpr double REPLY_TIMEOUT_S = 10.0;

std::string join(const std::vector<std::string>& v)
{
  std::string out;
  for (size_t i = 0; i < v.size(); i++) out += (i ? "," : "") + v[i];
  return out;
}

void print_status(bool success, const std::string& error_message)
{
  peer_line("success=%d", success ? 1 : 0);
  peer_line("error_message=%s", error_message.c_str());
}

void print(const srv::ListEntities_Response_& r)
{
  print_status(r.success(), r.error_message());
  for (const auto& e : r.entities())
    peer_line("entity id=%s|name=%s|type=%s|parent=%s|fqn=%s|caps=%s", e.id().c_str(), e.name().c_str(), e.entity_type().c_str(),
              e.parent_id().c_str(), e.fqn().c_str(), join(e.capabilities()).c_str());
}

void print(const srv::ListFaultsForEntity_Response_& r)
{
  print_status(r.success(), r.error_message());
  for (const auto& f : r.faults())
    peer_line("fault code=%s|severity=%u|status=%s|count=%u|sources=%s|first_sec=%d|description=%s", f.fault_code().c_str(), unsigned(f.severity()),
              f.status().c_str(), unsigned(f.occurrence_count()), join(f.reporting_sources()).c_str(), int(f.first_occurred().sec()),
              f.description().c_str());
}

void print(const srv::GetCapabilities_Response_& r)
{
  print_status(r.success(), r.error_message());
  peer_line("capabilities=%s", join(r.capabilities()).c_str());
  peer_line("resource_types=%s", join(r.resource_types()).c_str());
}

void print(const srv::GetEntityData_Response_& r)
{
  print_status(r.success(), r.error_message());
  peer_line("data_json=%s", r.data_json().c_str());
}

template <typename Qos>
void service_qos(Qos& q)
{
  q.reliability().kind = RELIABLE_RELIABILITY_QOS;
  q.durability().kind = VOLATILE_DURABILITY_QOS;
  q.history().kind = KEEP_LAST_HISTORY_QOS;
  q.history().depth = 10;
  q.endpoint().history_memory_policy = eprosima::fastrtps::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  q.data_sharing().off();
}

/* One call: waits for both endpoints to match, sends `rq` naming the reply reader, prints the matching reply. */
template <typename ReqType, typename RepType, typename Req, typename Rep>
int call(int domain, const std::string& service, const Req& rq)
{
  DomainParticipantFactory* factory = DomainParticipantFactory::get_instance();
  factory->load_profiles(); /* FASTRTPS_DEFAULT_PROFILES_FILE: the loopback profile */
  DomainParticipantQos pq = factory->get_default_participant_qos();
  const char enclave[] = "enclave=/;";
  pq.user_data().setValue(std::vector<eprosima::fastrtps::rtps::octet>(enclave, enclave + sizeof enclave)); /* with the NUL, as rmw_fastrtps */
  pq.name("/");
  DomainParticipant* p = factory->create_participant(domain, pq);
  if (p == nullptr) return 1;
  TypeSupport tq(new ReqType()), tp(new RepType());
  tq.register_type(p);
  tp.register_type(p);
  Topic* req_topic = p->create_topic("rq" + service + "Request", tq.get_type_name(), TOPIC_QOS_DEFAULT);
  Topic* rep_topic = p->create_topic("rr" + service + "Reply", tp.get_type_name(), TOPIC_QOS_DEFAULT);
  Publisher* pub = p->create_publisher(PUBLISHER_QOS_DEFAULT);
  Subscriber* sub = p->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
  DataWriterQos wq = pub->get_default_datawriter_qos();
  service_qos(wq);
  DataReaderQos rqos = sub->get_default_datareader_qos();
  service_qos(rqos);
  DataWriter* writer = pub->create_datawriter(req_topic, wq);
  DataReader* reader = sub->create_datareader(rep_topic, rqos);
  if (writer == nullptr || reader == nullptr) return 1;
  peer_line("ready");

  double deadline = monotonic_s() + 30.0, due = 0;
  bool sent = false;
  SequenceNumber_t sn;
  int code = 1;
  while (!peer_stop && monotonic_s() < deadline) {
    double now = monotonic_s();
    PublicationMatchedStatus ps;
    SubscriptionMatchedStatus ss;
    writer->get_publication_matched_status(ps);
    reader->get_subscription_matched_status(ss);
    if (!sent && ps.current_count > 0 && ss.current_count > 0) {
      if (due == 0) due = now + 0.3;
      if (now >= due) {
        WriteParams wp;
        wp.related_sample_identity().writer_guid(reader->guid());
        Req copy = rq;
        if (!writer->write(&copy, wp)) return 1;
        sn = wp.sample_identity().sequence_number();
        peer_line("call");
        sent = true;
        deadline = now + REPLY_TIMEOUT_S;
      }
    }
    Rep rp;
    SampleInfo si;
    bool got = false;
    while (reader->take_next_sample(&rp, &si) == ReturnCode_t::RETCODE_OK) {
      if (!si.valid_data || !sent || si.related_sample_identity.sequence_number() != sn) continue;
      print(rp);
      peer_line("done");
      got = true;
      break;
    }
    if (got) {
      code = 0;
      break;
    }
    sleep_ms(10);
  }
  if (code != 0) peer_line("timeout");
  p->delete_contained_entities();
  factory->delete_participant(p);
  return code;
}

}  // namespace

int main(int argc, char** argv)
{
  setvbuf(stdout, nullptr, _IOLBF, 0);
  peer_install_signals();
  if (argc < 4) {
    fprintf(stderr, "usage: si_client <domain> <service> <kind> [args...]\n");
    return 2;
  }
  int domain = atoi(argv[1]);
  std::string service = argv[2], kind = argv[3];
  if (kind == "list_entities" && argc == 6) {
    srv::ListEntities_Request_ rq;
    rq.entity_type(argv[4]);
    rq.parent_id(argv[5]);
    return call<srv::ListEntities_Request_PubSubType, srv::ListEntities_Response_PubSubType, srv::ListEntities_Request_, srv::ListEntities_Response_>(domain, service, rq);
  }
  if (kind == "list_entity_faults" && argc == 5) {
    srv::ListFaultsForEntity_Request_ rq;
    rq.entity_id(argv[4]);
    return call<srv::ListFaultsForEntity_Request_PubSubType, srv::ListFaultsForEntity_Response_PubSubType, srv::ListFaultsForEntity_Request_,
                srv::ListFaultsForEntity_Response_>(domain, service, rq);
  }
  if (kind == "get_capabilities" && argc == 5) {
    srv::GetCapabilities_Request_ rq;
    rq.entity_id(argv[4]);
    return call<srv::GetCapabilities_Request_PubSubType, srv::GetCapabilities_Response_PubSubType, srv::GetCapabilities_Request_, srv::GetCapabilities_Response_>(
        domain, service, rq);
  }
  if (kind == "get_entity_data" && argc >= 5) {
    srv::GetEntityData_Request_ rq;
    rq.entity_id(argv[4]);
    rq.data_keys(std::vector<std::string>(argv + 5, argv + argc));
    return call<srv::GetEntityData_Request_PubSubType, srv::GetEntityData_Response_PubSubType, srv::GetEntityData_Request_, srv::GetEntityData_Response_>(
        domain, service, rq);
  }
  fprintf(stderr, "unknown service kind or wrong arguments: %s\n", kind.c_str());
  return 2;
}
