/*
 * Fast DDS test peer for medkit's interop tests: a program that looks like a ROS 2 node
 * using rmw_fastrtps on the wire (docs/ros2.md sections 2-4, 8.3):
 *   - participant USER_DATA "enclave=/;\0" and participant name "/", endpoint USER_DATA
 *     "typehash=RIHS01_...;";
 *   - ROS-mangled DDS topic and type names (rt/chatter, rq/<svc>Request, rr/<svc>Reply);
 *   - ros_discovery_info writer (reliable, transient local, keep last 1) describing one node;
 *   - services with sample identity / related sample identity (inline QoS PID 0x800f),
 *     the server waiting for the client's reply reader to match before replying;
 *   - data sharing off, so even Fast DDS to Fast DDS traffic goes over UDP.
 * Modes and stdout line formats: see ../README.md and ../common/peer_common.h.
 * Build: fastddsgen -replace ros_types.idl && g++ -std=c++17 fastdds_peer.cpp ros_types*.cxx -lfastrtps -lfastcdr
 * The Humble build (-DGID_SIZE=24, from an IDL whose Gid_ holds 24 octets) writes and reads ros_discovery_info
 * with Humble's 24-byte Gids and announces no type hashes: a careless Humble reader, as rmw_fastrtps is (the
 * generated code resizes a sequence to whatever length it reads).
 */
#ifndef GID_SIZE
#define GID_SIZE 16
#endif
#include <array>
#include <chrono>
#include <cinttypes>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/DataWriterListener.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/DataReaderListener.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/Topic.hpp>
#include <fastdds/rtps/common/WriteParams.h>
#include <fastdds/dds/domain/DomainParticipantListener.hpp>
#include <fastdds/dds/log/Log.hpp>

#include "peer_common.h"
#include "ros_typesPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::GUID_t;
using eprosima::fastrtps::rtps::SequenceNumber_t;
using eprosima::fastrtps::rtps::WriteParams;
using std_msgs::msg::dds_::String_;
using Request_ = example_interfaces::srv::dds_::AddTwoInts_Request_;
using Response_ = example_interfaces::srv::dds_::AddTwoInts_Response_;
using ReportRequest_ = ros2_medkit_msgs::srv::dds_::ReportFault_Request_;
using ReportResponse_ = ros2_medkit_msgs::srv::dds_::ReportFault_Response_;
using rmw_dds_common::msg::dds_::Gid_;
using rmw_dds_common::msg::dds_::NodeEntitiesInfo_;
using rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_;

namespace {

peer_options opt;
DomainParticipant* participant = nullptr;
Publisher* publisher = nullptr;
Subscriber* subscriber = nullptr;

[[noreturn]] void die(const std::string& what)
{
  fprintf(stderr, "%s failed\n", what.c_str());
  exit(1);
}

std::string guid_hex(const GUID_t& g)
{
  uint8_t b[16];
  char out[33];
  memcpy(b, g.guidPrefix.value, 12);
  memcpy(b + 12, g.entityId.value, 4);
  peer_hex(b, 16, out);
  return out;
}

std::vector<eprosima::fastrtps::rtps::octet> bytes(const char* s, bool with_nul)
{
  std::vector<eprosima::fastrtps::rtps::octet> v(s, s + strlen(s));
  if (with_nul) v.push_back(0);
  return v;
}

/* Tracks which readers the reply writer has matched, so the server can wait for the
   client's reply reader like rmw_fastrtps does before answering (docs/ros2.md 4.2). */
class MatchTracker : public DataWriterListener
{
public:
  void on_publication_matched(DataWriter*, const PublicationMatchedStatus& st) override
  {
    std::lock_guard<std::mutex> lock(mutex_);
    GUID_t g = eprosima::fastrtps::rtps::iHandle2GUID(st.last_subscription_handle);
    if (st.current_count_change > 0) readers_.insert(g);
    else if (st.current_count_change < 0) readers_.erase(g);
  }

  bool has(const GUID_t& g)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return readers_.count(g) > 0;
  }

private:
  std::mutex mutex_;
  std::set<GUID_t> readers_;
};

/* One DDS endpoint of the node: matches are printed as "matched pub|sub <n> topic=<t>". */
struct Endpoint {
  DataWriter* writer = nullptr;
  DataReader* reader = nullptr;
  std::string topic;
  int32_t matched = 0;
  GUID_t guid() const { return writer ? writer->guid() : reader->guid(); }
};

std::vector<Endpoint> node_eps;

Topic* make_topic(const char* name, TopicDataType* type)
{
  TypeSupport ts(type);
  if (ts.register_type(participant) != ReturnCode_t::RETCODE_OK) die("register_type");
  Topic* t = participant->create_topic(name, ts.get_type_name(), TOPIC_QOS_DEFAULT);
  if (t == nullptr) die(std::string("create_topic ") + name);
  return t;
}

/* QoS the way rmw_fastrtps maps a ROS profile: reliability, durability, keep last N
   (0 = keep all), typehash USER_DATA, reallocating payload pools (strings of any size)
   and no data sharing. */
template <typename Qos>
void fill_qos(Qos& q, bool reliable, bool transient_local, int depth, const char* userdata)
{
  q.reliability().kind = reliable ? RELIABLE_RELIABILITY_QOS : BEST_EFFORT_RELIABILITY_QOS;
  q.durability().kind = transient_local ? TRANSIENT_LOCAL_DURABILITY_QOS : VOLATILE_DURABILITY_QOS;
  q.history().kind = depth > 0 ? KEEP_LAST_HISTORY_QOS : KEEP_ALL_HISTORY_QOS;
  q.history().depth = depth > 0 ? depth : 1;
  q.endpoint().history_memory_policy = eprosima::fastrtps::rtps::PREALLOCATED_WITH_REALLOC_MEMORY_MODE;
  q.data_sharing().off();
  if (userdata) q.user_data().setValue(bytes(userdata, false));
  /* PEER_LIVELINESS_LEASE_MS=<ms>: AUTOMATIC liveliness with that finite lease (writers announce it 4 times a lease). */
  const char* lease = getenv("PEER_LIVELINESS_LEASE_MS");
  if (lease != nullptr && atoi(lease) > 0) {
    double sec = atoi(lease) / 1000.0;
    q.liveliness().kind = AUTOMATIC_LIVELINESS_QOS;
    q.liveliness().lease_duration = eprosima::fastrtps::Duration_t(sec);
    q.liveliness().announcement_period = eprosima::fastrtps::Duration_t(sec / 4);
  }
}

/* With PEER_LIVELINESS_LEASE_MS, a reader prints "liveliness alive=<n> not_alive=<n>" on each liveliness change. */
class LivelinessPrinter : public DataReaderListener
{
public:
  void on_liveliness_changed(DataReader*, const LivelinessChangedStatus& s) override
  {
    peer_line("liveliness alive=%d not_alive=%d", s.alive_count, s.not_alive_count);
  }
};

LivelinessPrinter liveliness_printer;

DataWriter* make_writer(Topic* t, bool reliable, bool transient_local, int depth, const char* userdata, bool in_node,
                        DataWriterListener* listener = nullptr)
{
  DataWriterQos q = publisher->get_default_datawriter_qos();
  fill_qos(q, reliable, transient_local, depth, userdata);
  DataWriter* w = publisher->create_datawriter(t, q, listener, StatusMask::publication_matched());
  if (w == nullptr) die("create_datawriter " + t->get_name());
  if (in_node) {
    Endpoint ep;
    ep.writer = w;
    ep.topic = t->get_name();
    node_eps.push_back(ep);
    peer_line("endpoint writer %s guid=%s", ep.topic.c_str(), guid_hex(w->guid()).c_str());
  }
  return w;
}

DataReader* make_reader(Topic* t, bool reliable, bool transient_local, int depth, const char* userdata, bool in_node)
{
  DataReaderQos q = subscriber->get_default_datareader_qos();
  fill_qos(q, reliable, transient_local, depth, userdata);
  const char* lease = getenv("PEER_LIVELINESS_LEASE_MS");
  bool watch = lease != nullptr && atoi(lease) > 0;
  DataReader* r = subscriber->create_datareader(t, q, watch ? &liveliness_printer : nullptr, watch ? StatusMask::liveliness_changed() : StatusMask::none());
  if (r == nullptr) die("create_datareader " + t->get_name());
  if (in_node) {
    Endpoint ep;
    ep.reader = r;
    ep.topic = t->get_name();
    node_eps.push_back(ep);
    peer_line("endpoint reader %s guid=%s", ep.topic.c_str(), guid_hex(r->guid()).c_str());
  }
  return r;
}

void print_matches()
{
  for (Endpoint& ep : node_eps) {
    int32_t now;
    if (ep.writer) {
      PublicationMatchedStatus st;
      ep.writer->get_publication_matched_status(st);
      now = st.current_count;
    } else {
      SubscriptionMatchedStatus st;
      ep.reader->get_subscription_matched_status(st);
      now = st.current_count;
    }
    if (now != ep.matched) {
      ep.matched = now;
      peer_line("matched %s %d topic=%s", ep.writer ? "pub" : "sub", int(now), ep.topic.c_str());
    }
  }
}

int32_t matched_count(const void* entity)
{
  for (const Endpoint& ep : node_eps)
    if (entity == ep.writer || entity == ep.reader) return ep.matched;
  return 0;
}

/* ---- ros_discovery_info ------------------------------------------------------------- */

Gid_ to_gid(const GUID_t& g)
{
  Gid_ gid;
  memcpy(gid.data().data(), g.guidPrefix.value, 12);
  memcpy(gid.data().data() + 12, g.entityId.value, 4);
  return gid;
}

void publish_discovery_info(DataWriter* w)
{
  ParticipantEntitiesInfo_ info;
  NodeEntitiesInfo_ node;
  info.gid(to_gid(participant->guid()));
  node.node_namespace(opt.ns);
  node.node_name(opt.node_name);
  for (const Endpoint& ep : node_eps) {
    if (ep.writer) node.writer_gid_seq().push_back(to_gid(ep.guid()));
    else node.reader_gid_seq().push_back(to_gid(ep.guid()));
  }
  info.node_entities_info_seq().push_back(node);
  if (!w->write(&info)) die("write ros_discovery_info");
}

/* ros_discovery_info as rmw_fastrtps' own type support reads it: each sequence is resized to the length read
   before its elements are checked against the bytes left, so a length that is garbage (a sample written in the
   other Gid layout) allocates without bound, and std::bad_alloc ends the process, as it ends a real node. A sample
   that runs short only fails: printed as "discovery-misread bytes=<n> reason=<why>". Writing is the generated
   code's. */
class CarelessDiscoveryInfoType : public rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_PubSubType
{
public:
  bool deserialize(eprosima::fastrtps::rtps::SerializedPayload_t* payload, void* data) override
  {
    auto* info = static_cast<ParticipantEntitiesInfo_*>(data);
    const uint8_t* p = payload->data;
    const size_t len = payload->length;
    size_t pos = 4;
    const bool le = len >= 2 && p[1] == 1;
    auto need = [&](size_t n) {
      if (pos + n > len) throw std::runtime_error("runs past the sample");
    };
    auto u32 = [&]() {
      pos = 4 + ((pos - 4 + 3) & ~size_t(3));
      need(4);
      uint32_t v;
      memcpy(&v, p + pos, 4);
      if (!le) v = __builtin_bswap32(v);
      pos += 4;
      return v;
    };
    auto octets = [&](uint8_t* out, size_t n) {
      need(n);
      memcpy(out, p + pos, n);
      pos += n;
    };
    auto str = [&]() {
      uint32_t n = u32();
      need(n);
      std::string out(reinterpret_cast<const char*>(p + pos), n > 0 ? n - 1 : 0);
      pos += n;
      return out;
    };
    try {
      octets(info->gid().data().data(), GID_SIZE);
      auto& nodes = info->node_entities_info_seq();
      nodes.resize(u32()); /* careless, as rmw: no check against the bytes left */
      for (NodeEntitiesInfo_& n : nodes) {
        n.node_namespace(str());
        n.node_name(str());
        n.reader_gid_seq().resize(u32());
        for (Gid_& g : n.reader_gid_seq()) octets(g.data().data(), GID_SIZE);
        n.writer_gid_seq().resize(u32());
        for (Gid_& g : n.writer_gid_seq()) octets(g.data().data(), GID_SIZE);
      }
      return true;
    } catch (const std::runtime_error& e) {
      peer_line("discovery-misread bytes=%zu reason=%s", len, e.what());
      return false;
    }
  }
};

/* Prints "graph gid=<hex> ns=<ns> name=<name> readers=<n> writers=<m>" per node of every
   other participant's snapshot ("graph gid=<hex> nodes=0" for an empty one). */
void take_discovery_info(DataReader* r)
{
  ParticipantEntitiesInfo_ info;
  SampleInfo si;
  Gid_ own = to_gid(participant->guid());
  while (r->take_next_sample(&info, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data || info.gid().data() == own.data()) continue;
    char hex[33];
    peer_hex(info.gid().data().data(), 16, hex);
    if (info.node_entities_info_seq().empty()) peer_line("graph gid=%s nodes=0", hex);
    for (const NodeEntitiesInfo_& n : info.node_entities_info_seq())
      peer_line("graph gid=%s ns=%s name=%s readers=%zu writers=%zu", hex, n.node_namespace().c_str(),
                n.node_name().c_str(), n.reader_gid_seq().size(), n.writer_gid_seq().size());
  }
}

/* ---- services ----------------------------------------------------------------------- */

bool is_reader_guid(const GUID_t& g)
{
  return (g.entityId.value[3] & 0x04) != 0;
}

/* Where a request's reply goes: the client's reply reader when the request names one, else its writer; and the
   request's sequence number, which the reply's related sample identity carries. */
struct ReplyTo {
  GUID_t guid;
  SequenceNumber_t sn;
};

ReplyTo reply_target(const SampleInfo& si)
{
  ReplyTo to{si.related_sample_identity.writer_guid(), si.sample_identity.sequence_number()};
  if (to.guid == GUID_t::unknown()) to.guid = si.sample_identity.writer_guid();
  return to;
}

/* Writes reply `rp` once the client's reply reader matched (up to 100 ms, as rmw_fastrtps waits); false (and a
   "dropped" line) when it did not. */
bool send_reply(DataWriter* rep_writer, MatchTracker& tracker, const ReplyTo& to, void* rp)
{
  if (is_reader_guid(to.guid)) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    while (!tracker.has(to.guid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!tracker.has(to.guid)) {
      peer_line("dropped client=%s seq=%" PRId64 " reason=no-reply-reader", guid_hex(to.guid).c_str(), to.sn.to64long());
      return false;
    }
  }
  WriteParams wp;
  wp.related_sample_identity().writer_guid(to.guid);
  wp.related_sample_identity().sequence_number(to.sn);
  rep_writer->write(rp, wp);
  return true;
}

/* Serves one service: `answer(request, response)` fills the reply and returns the text of the
   "request client=<id> seq=<n> <text>" line. */
template <typename Req, typename Resp, typename Answer>
void serve_requests(DataReader* req_reader, DataWriter* rep_writer, MatchTracker& tracker, Answer answer)
{
  Req rq;
  SampleInfo si;
  while (req_reader->take_next_sample(&rq, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data) continue;
    ReplyTo to = reply_target(si);
    Resp rp;
    std::string text = answer(rq, rp);
    if (send_reply(rep_writer, tracker, to, &rp))
      peer_line("request client=%s seq=%" PRId64 " %s", guid_hex(to.guid).c_str(), to.sn.to64long(), text.c_str());
  }
}

std::string add_two_ints(const Request_& rq, Response_& rp)
{
  rp.sum(rq.a() + rq.b());
  return "a=" + std::to_string(rq.a()) + " b=" + std::to_string(rq.b()) + " sum=" + std::to_string(rp.sum());
}

/* ---- params mode: a node with beacon parameters (docs/architecture.md 3.6) ----------------------- */

using rcl_interfaces::msg::dds_::ParameterValue_;
using ListRequest_ = rcl_interfaces::srv::dds_::ListParameters_Request_;
using ListResponse_ = rcl_interfaces::srv::dds_::ListParameters_Response_;
using GetRequest_ = rcl_interfaces::srv::dds_::GetParameters_Request_;
using GetResponse_ = rcl_interfaces::srv::dds_::GetParameters_Response_;
using DescribeRequest_ = rcl_interfaces::srv::dds_::DescribeParameters_Request_;
using DescribeResponse_ = rcl_interfaces::srv::dds_::DescribeParameters_Response_;
using SetRequest_ = rcl_interfaces::srv::dds_::SetParameters_Request_;
using SetResponse_ = rcl_interfaces::srv::dds_::SetParameters_Response_;

struct Param {
  std::string name;
  ParameterValue_ value;
};

ParameterValue_ string_value(const std::string& s)
{
  ParameterValue_ v;
  v.type(4);
  v.string_value(s);
  return v;
}

/* The node's parameters: ros2_medkit.discovery.* hints naming the node itself, plus one outside the prefix
   (`unrelated.value`, the only one set_parameters may change: the hints are read-only). */
std::vector<Param> make_node_params()
{
  std::vector<Param> ps;
  const std::string p = "ros2_medkit.discovery.";
  ps.push_back({p + "entity_id", string_value(opt.node_name)});
  ps.push_back({p + "display_name", string_value(std::string("Fast DDS peer ") + opt.node_name)});
  ParameterValue_ pid;
  pid.type(2);
  pid.integer_value(int64_t(getpid()));
  ps.push_back({p + "process_id", pid});
  ParameterValue_ fns;
  fns.type(9);
  fns.string_array_value({"peer_function"});
  ps.push_back({p + "function_ids", fns});
  ps.push_back({p + "metadata.vendor", string_value("fastdds")});
  ParameterValue_ other;
  other.type(2);
  other.integer_value(7);
  ps.push_back({"unrelated.value", other});
  return ps;
}

std::vector<Param>& node_params()
{
  static std::vector<Param> ps = make_node_params();
  return ps;
}

const char* const SETTABLE_PARAM = "unrelated.value";

std::string list_parameters(const ListRequest_& rq, ListResponse_& rp)
{
  std::vector<std::string> names;
  for (const Param& p : node_params()) {
    bool match = rq.prefixes().empty();
    for (const std::string& pre : rq.prefixes())
      if (p.name == pre || p.name.compare(0, pre.size() + 1, pre + ".") == 0) match = true;
    if (match) names.push_back(p.name);
  }
  rp.result().names(names);
  return "list prefixes=" + std::to_string(rq.prefixes().size()) + " names=" + std::to_string(names.size());
}

std::string get_parameters(const GetRequest_& rq, GetResponse_& rp)
{
  std::vector<Param> all = node_params();
  for (const std::string& n : rq.names()) {
    ParameterValue_ v; /* type 0 = not set */
    for (const Param& p : all)
      if (p.name == n) v = p.value;
    rp.values().push_back(v);
  }
  return "get names=" + std::to_string(rq.names().size());
}

std::string describe_parameters(const DescribeRequest_& rq, DescribeResponse_& rp)
{
  for (const std::string& n : rq.names()) {
    rcl_interfaces::msg::dds_::ParameterDescriptor_ d; /* type 0 = not set */
    d.name(n);
    for (const Param& p : node_params())
      if (p.name == n) {
        d.type(p.value.type());
        d.read_only(n != SETTABLE_PARAM);
        d.description(n == SETTABLE_PARAM ? "a parameter set_parameters may change" : "a discovery hint");
      }
    rp.descriptors().push_back(d);
  }
  return "describe names=" + std::to_string(rq.names().size());
}

/* Sets `unrelated.value` when the type matches; every other name is refused with a reason, as rclcpp does. */
std::string set_parameters(const SetRequest_& rq, SetResponse_& rp)
{
  std::string text = "set";
  for (const rcl_interfaces::msg::dds_::Parameter_& in : rq.parameters()) {
    rcl_interfaces::msg::dds_::SetParametersResult_ r;
    Param* target = nullptr;
    for (Param& p : node_params())
      if (p.name == in.name()) target = &p;
    if (target == nullptr) r.reason("parameter not declared");
    else if (in.name() != SETTABLE_PARAM) r.reason("parameter is read-only");
    else if (in.value().type() != target->value.type()) r.reason("wrong parameter type");
    else {
      target->value = in.value();
      r.successful(true);
    }
    rp.results().push_back(r);
    text += " " + in.name() + "=" + (r.successful() ? "ok" : "refused");
  }
  return text;
}

/* One served service: its endpoints and the tracker of its reply writer. */
struct Served {
  DataReader* req = nullptr;
  DataWriter* rep = nullptr;
  MatchTracker tracker;
};

template <typename ReqType, typename RespType>
void make_service(Served& s, const char* service)
{
  char rq[300], rr[300];
  peer_node_service_topic(rq, sizeof rq, &opt, "rq", service, "Request");
  peer_node_service_topic(rr, sizeof rr, &opt, "rr", service, "Reply");
  s.req = make_reader(make_topic(rq, new ReqType()), true, false, 10, PEER_TYPEHASH_REQUEST, true);
  s.rep = make_writer(make_topic(rr, new RespType()), true, false, 10, PEER_TYPEHASH_RESPONSE, true, &s.tracker);
}

/* ---- action mode: an example_interfaces/action/Fibonacci server (rcl_action on the wire) ---------------- */

namespace fib = example_interfaces::action::dds_;
using action_msgs::msg::dds_::GoalInfo_;
using action_msgs::msg::dds_::GoalStatus_;
using action_msgs::msg::dds_::GoalStatusArray_;
using CancelRequest_ = action_msgs::srv::dds_::CancelGoal_Request_;
using CancelResponse_ = action_msgs::srv::dds_::CancelGoal_Response_;
using Uuid = std::array<uint8_t, 16>;

/* action_msgs/msg/GoalStatus */
enum : uint8_t { GOAL_UNKNOWN = 0, GOAL_EXECUTING = 2, GOAL_SUCCEEDED = 4, GOAL_CANCELED = 5 };

struct Goal {
  Uuid id;
  builtin_interfaces::msg::dds_::Time_ stamp;
  int32_t order = 0;
  std::vector<int32_t> sequence;
  uint8_t status = GOAL_EXECUTING;
  double next_step = 0;
  std::vector<ReplyTo> waiting; /* get_result requests answered when the goal ends */
};

struct ActionServer {
  Served send_goal, cancel, get_result;
  DataWriter* feedback = nullptr;
  DataWriter* status = nullptr;
  std::vector<Goal> goals;
};

std::string uuid_hex(const Uuid& u)
{
  char out[33];
  peer_hex(u.data(), 16, out);
  return out;
}

void make_action(ActionServer& a)
{
  std::string base = std::string(opt.service) + "/_action/";
  auto svc = [&](Served& s, const char* name, TopicDataType* req, TopicDataType* rep) {
    std::string rq = "rq/" + base + name + "Request", rr = "rr/" + base + name + "Reply";
    s.req = make_reader(make_topic(rq.c_str(), req), true, false, 10, PEER_TYPEHASH_REQUEST, true);
    s.rep = make_writer(make_topic(rr.c_str(), rep), true, false, 10, PEER_TYPEHASH_RESPONSE, true, &s.tracker);
  };
  svc(a.send_goal, "send_goal", new fib::Fibonacci_SendGoal_Request_PubSubType(), new fib::Fibonacci_SendGoal_Response_PubSubType());
  svc(a.cancel, "cancel_goal", new action_msgs::srv::dds_::CancelGoal_Request_PubSubType(), new action_msgs::srv::dds_::CancelGoal_Response_PubSubType());
  svc(a.get_result, "get_result", new fib::Fibonacci_GetResult_Request_PubSubType(), new fib::Fibonacci_GetResult_Response_PubSubType());
  /* rcl_action: feedback with the default profile, status reliable + transient local + keep last 1 */
  a.feedback = make_writer(make_topic(("rt/" + base + "feedback").c_str(), new fib::Fibonacci_FeedbackMessage_PubSubType()), true, false, 10,
                           PEER_TYPEHASH_STRING, true);
  a.status = make_writer(make_topic(("rt/" + base + "status").c_str(), new action_msgs::msg::dds_::GoalStatusArray_PubSubType()), true, true, 1,
                         PEER_TYPEHASH_STRING, true);
}

void publish_status(ActionServer& a)
{
  GoalStatusArray_ arr;
  for (const Goal& g : a.goals) {
    GoalStatus_ st;
    st.goal_info().goal_id().uuid(g.id);
    st.goal_info().stamp(g.stamp);
    st.status(g.status);
    arr.status_list().push_back(st);
  }
  a.status->write(&arr);
}

Goal* find_goal(ActionServer& a, const Uuid& id)
{
  for (Goal& g : a.goals)
    if (g.id == id) return &g;
  return nullptr;
}

void answer_result(ActionServer& a, const Goal* g, const ReplyTo& to)
{
  fib::Fibonacci_GetResult_Response_ rp;
  rp.status(g ? g->status : GOAL_UNKNOWN);
  if (g) rp.result().values(g->sequence);
  send_reply(a.get_result.rep, a.get_result.tracker, to, &rp);
}

/* A goal ended (succeeded or canceled): status, then the get_result requests that waited for it. */
void finish_goal(ActionServer& a, Goal& g, uint8_t status)
{
  g.status = status;
  publish_status(a);
  peer_line("goal %s id=%s length=%zu", status == GOAL_SUCCEEDED ? "succeeded" : "canceled", uuid_hex(g.id).c_str(), g.sequence.size());
  for (const ReplyTo& to : g.waiting) answer_result(a, &g, to);
  g.waiting.clear();
}

/* Goals with order < 0 are rejected; others run one step per --period-ms, each step a feedback message with the
   sequence so far, and succeed with order + 1 numbers (0, 1, 1, 2, ...). Cancel (one goal, or all with a zero id)
   ends executing goals as canceled; a terminated goal answers return code 3, an unknown one 2. */
void serve_action(ActionServer& a)
{
  double now = monotonic_s();
  SampleInfo si;
  fib::Fibonacci_SendGoal_Request_ goal_rq;
  while (a.send_goal.req->take_next_sample(&goal_rq, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data) continue;
    fib::Fibonacci_SendGoal_Response_ rp;
    auto wall = std::chrono::system_clock::now().time_since_epoch();
    rp.stamp().sec(int32_t(std::chrono::duration_cast<std::chrono::seconds>(wall).count()));
    rp.stamp().nanosec(uint32_t(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count() % 1000000000));
    bool accept = goal_rq.goal().order() >= 0 && find_goal(a, goal_rq.goal_id().uuid()) == nullptr;
    rp.accepted(accept);
    if (accept) {
      Goal g;
      g.id = goal_rq.goal_id().uuid();
      g.stamp = rp.stamp();
      g.order = goal_rq.goal().order();
      g.sequence = {0};
      g.next_step = now + double(opt.period_ms) / 1000.0;
      a.goals.push_back(g);
    }
    send_reply(a.send_goal.rep, a.send_goal.tracker, reply_target(si), &rp);
    peer_line("goal %s id=%s order=%d", accept ? "accepted" : "rejected", uuid_hex(goal_rq.goal_id().uuid()).c_str(), int(goal_rq.goal().order()));
    if (accept) publish_status(a);
  }
  CancelRequest_ cancel_rq;
  while (a.cancel.req->take_next_sample(&cancel_rq, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data) continue;
    const Uuid& id = cancel_rq.goal_info().goal_id().uuid();
    bool all = id == Uuid{};
    CancelResponse_ rp;
    bool terminated = false;
    for (Goal& g : a.goals) {
      if (!all && g.id != id) continue;
      if (g.status != GOAL_EXECUTING) {
        terminated = true;
        continue;
      }
      GoalInfo_ info;
      info.goal_id().uuid(g.id);
      info.stamp(g.stamp);
      rp.goals_canceling().push_back(info);
    }
    rp.return_code(!rp.goals_canceling().empty() ? 0 : (terminated ? 3 : 2));
    send_reply(a.cancel.rep, a.cancel.tracker, reply_target(si), &rp);
    peer_line("cancel id=%s return_code=%d canceling=%zu", uuid_hex(id).c_str(), int(rp.return_code()), rp.goals_canceling().size());
    for (const GoalInfo_& info : rp.goals_canceling()) finish_goal(a, *find_goal(a, info.goal_id().uuid()), GOAL_CANCELED);
  }
  fib::Fibonacci_GetResult_Request_ result_rq;
  while (a.get_result.req->take_next_sample(&result_rq, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data) continue;
    Goal* g = find_goal(a, result_rq.goal_id().uuid());
    if (g && g->status == GOAL_EXECUTING) g->waiting.push_back(reply_target(si));
    else answer_result(a, g, reply_target(si));
  }
  for (Goal& g : a.goals) {
    if (g.status != GOAL_EXECUTING || now < g.next_step) continue;
    g.next_step = now + double(opt.period_ms) / 1000.0;
    size_t n = g.sequence.size();
    g.sequence.push_back(n < 2 ? 1 : g.sequence[n - 1] + g.sequence[n - 2]);
    fib::Fibonacci_FeedbackMessage_ fb;
    fb.goal_id().uuid(g.id);
    fb.feedback().values(g.sequence);
    a.feedback->write(&fb);
    if (g.sequence.size() > size_t(g.order)) finish_goal(a, g, GOAL_SUCCEEDED);
  }
}

/* Client state: request i goes out once both service endpoints matched; replies count
   only when their related sample identity names our reply reader (or request writer). */
struct ClientState {
  long next = 1;
  long pending = 0;       /* request number awaiting its reply, 0 if none */
  SequenceNumber_t pending_sn;
  double due = 0;
  double deadline = 0;
  long ok = 0, failed = 0;
  long retried = 0; /* times the pending request was sent again */
  bool done = false;
};

/* What differs between the client modes (add_two_ints client, fault report): the types, how
   request n is filled and how a reply is printed. */
struct AddCall {
  using Req = Request_;
  using Resp = Response_;
  static std::string fill(Req& rq, long n)
  {
    rq.a(opt.a + n - 1);
    rq.b(opt.b);
    return "a=" + std::to_string(rq.a()) + " b=" + std::to_string(rq.b());
  }
  static std::string describe(const Resp& rp) { return "sum=" + std::to_string(rp.sum()); }
};
struct ReportCall {
  using Req = ReportRequest_;
  using Resp = ReportResponse_;
  static std::string fill(Req& rq, long n)
  {
    rq.fault_code(opt.code);
    rq.event_type(uint8_t(opt.event_type));
    rq.severity(uint8_t(opt.severity));
    rq.description("reported by the fastdds peer (" + std::to_string(n) + ")");
    rq.source_id(opt.source_id);
    return std::string("code=") + opt.code + " event_type=" + std::to_string(opt.event_type) + " severity=" + std::to_string(opt.severity) +
           " source=" + opt.source_id;
  }
  static std::string describe(const Resp& rp) { return std::string("accepted=") + (rp.accepted() ? "1" : "0"); }
};

template <typename Call>
void client_step(ClientState& c, DataWriter* req_writer, DataReader* rep_reader)
{
  double now = monotonic_s();
  typename Call::Resp rp;
  SampleInfo si;
  while (rep_reader->take_next_sample(&rp, &si) == ReturnCode_t::RETCODE_OK) {
    if (!si.valid_data) continue;
    const GUID_t& to = si.related_sample_identity.writer_guid();
    int64_t sn = si.related_sample_identity.sequence_number().to64long();
    if (to != rep_reader->guid() && to != req_writer->guid()) {
      peer_line("ignored client=%s seq=%" PRId64 " %s", guid_hex(to).c_str(), sn, Call::describe(rp).c_str());
    } else if (c.pending != 0 && si.related_sample_identity.sequence_number() == c.pending_sn) {
      peer_line("response seq=%ld %s", c.pending, Call::describe(rp).c_str());
      c.ok++;
      c.retried = 0;
      c.pending = 0;
      c.due = now + double(opt.period_ms) / 1000.0;
    }
  }
  if (c.pending != 0 && now > c.deadline) {
    if (c.retried < opt.retries) {
      /* Sent again under the same number: a server that had not matched our reply reader yet dropped it
         (send_reply), as rmw_fastrtps does; matching both our endpoints does not tell that the server matched ours. */
      peer_line("retry seq=%ld", c.pending);
      c.retried++;
      c.next = c.pending;
    } else {
      peer_line("timeout seq=%ld", c.pending);
      c.failed++;
      c.retried = 0;
    }
    c.pending = 0;
    c.due = now;
  }
  if (c.pending == 0 && c.next > opt.count && !c.done) {
    c.done = true;
    peer_line("done ok=%ld failed=%ld", c.ok, c.failed);
    return;
  }
  if (c.pending == 0 && !c.done && matched_count(req_writer) > 0 && matched_count(rep_reader) > 0) {
    if (c.due == 0) c.due = now + double(opt.period_ms) / 1000.0; /* let the server match our reader */
    if (now < c.due) return;
    typename Call::Req rq;
    std::string text = Call::fill(rq, c.next);
    WriteParams wp;
    wp.related_sample_identity().writer_guid(rep_reader->guid());
    if (!req_writer->write(&rq, wp)) die("write request");
    c.pending_sn = wp.sample_identity().sequence_number();
    peer_line("call seq=%ld %s", c.next, text.c_str());
    c.pending = c.next++;
    c.deadline = now + double(opt.timeout_ms) / 1000.0;
  }
}

/* DDS-Security (SROS2) when PEER_SECURITY_ENCLAVE names an enclave directory (cert.pem, key.pem,
   identity_ca.cert.pem, permissions_ca.cert.pem, governance.p7s, permissions.p7s): the builtin
   PKI-DH, Access-Permissions and AES-GCM-GMAC plugins with file: URIs to it, as rmw_fastrtps
   sets them. Authentication results are printed as "auth ok|failed guid=<hex>". */
class AuthListener : public DomainParticipantListener
{
public:
  void onParticipantAuthentication(DomainParticipant*, eprosima::fastrtps::rtps::ParticipantAuthenticationInfo&& info) override
  {
    bool ok = info.status == eprosima::fastrtps::rtps::ParticipantAuthenticationInfo::AUTHORIZED_PARTICIPANT;
    peer_line("auth %s guid=%s", ok ? "ok" : "failed", guid_hex(info.guid).c_str());
  }
};

AuthListener auth_listener;

bool secure_participant(DomainParticipantQos& pq)
{
  const char* dir = getenv("PEER_SECURITY_ENCLAVE");
  if (dir == nullptr || *dir == 0) return false;
  /* PEER_LOG_WARNINGS=1: Fast DDS's warnings (why a handshake or a security check failed) on stdout. */
  const char* warn = getenv("PEER_LOG_WARNINGS");
  if (warn != nullptr && strcmp(warn, "1") == 0) Log::SetVerbosity(Log::Warning);
  std::string f = std::string("file://") + dir + "/";
  auto& props = pq.properties().properties();
  props.emplace_back("dds.sec.auth.plugin", "builtin.PKI-DH");
  props.emplace_back("dds.sec.auth.builtin.PKI-DH.identity_ca", f + "identity_ca.cert.pem");
  props.emplace_back("dds.sec.auth.builtin.PKI-DH.identity_certificate", f + "cert.pem");
  props.emplace_back("dds.sec.auth.builtin.PKI-DH.private_key", f + "key.pem");
  props.emplace_back("dds.sec.access.plugin", "builtin.Access-Permissions");
  props.emplace_back("dds.sec.access.builtin.Access-Permissions.permissions_ca", f + "permissions_ca.cert.pem");
  props.emplace_back("dds.sec.access.builtin.Access-Permissions.governance", f + "governance.p7s");
  props.emplace_back("dds.sec.access.builtin.Access-Permissions.permissions", f + "permissions.p7s");
  props.emplace_back("dds.sec.crypto.plugin", "builtin.AES-GCM-GMAC");
  return true;
}

}  // namespace

int main(int argc, char** argv)
{
  setvbuf(stdout, nullptr, _IOLBF, 0);
  peer_parse(argc, argv, &opt);
  peer_install_signals();

  DomainParticipantFactory* factory = DomainParticipantFactory::get_instance();
  factory->load_profiles(); /* FASTRTPS_DEFAULT_PROFILES_FILE: the loopback profile */
  DomainParticipantQos pq = factory->get_default_participant_qos();
  pq.user_data().setValue(bytes("enclave=/;", true)); /* rmw_fastrtps includes the NUL */
  pq.name("/");
  bool secure = secure_participant(pq);
  participant = factory->create_participant(opt.domain, pq, secure ? &auth_listener : nullptr, StatusMask::none());
  if (participant == nullptr) die("create_participant");
  publisher = participant->create_publisher(PUBLISHER_QOS_DEFAULT);
  subscriber = participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
  if (publisher == nullptr || subscriber == nullptr) die("create_publisher/subscriber");

  DataWriter *data_writer = nullptr, *req_writer = nullptr, *rep_writer = nullptr;
  DataReader *data_reader = nullptr, *req_reader = nullptr, *rep_reader = nullptr;
  MatchTracker tracker;
  Served list_svc, get_svc, describe_svc, set_svc;
  ActionServer action;
  switch (opt.mode) {
  case MODE_TALKER:
  case MODE_THROUGHPUT_PUB:
    data_writer = make_writer(make_topic(opt.topic, new std_msgs::msg::dds_::String_PubSubType()), opt.reliable,
                              opt.transient_local, opt.depth, PEER_TYPEHASH_STRING, true);
    break;
  case MODE_LISTENER:
  case MODE_THROUGHPUT_SUB:
    data_reader = make_reader(make_topic(opt.topic, new std_msgs::msg::dds_::String_PubSubType()), opt.reliable,
                              opt.transient_local, opt.depth, PEER_TYPEHASH_STRING, true);
    break;
  case MODE_SERVER: {
    Topic* tq = make_topic(opt.req_topic, new example_interfaces::srv::dds_::AddTwoInts_Request_PubSubType());
    Topic* tp = make_topic(opt.rep_topic, new example_interfaces::srv::dds_::AddTwoInts_Response_PubSubType());
    req_reader = make_reader(tq, true, false, 10, PEER_TYPEHASH_REQUEST, true);
    rep_writer = make_writer(tp, true, false, 10, PEER_TYPEHASH_RESPONSE, true, &tracker);
    break;
  }
  case MODE_PARAMS:
    make_service<rcl_interfaces::srv::dds_::ListParameters_Request_PubSubType, rcl_interfaces::srv::dds_::ListParameters_Response_PubSubType>(list_svc, "list_parameters");
    make_service<rcl_interfaces::srv::dds_::GetParameters_Request_PubSubType, rcl_interfaces::srv::dds_::GetParameters_Response_PubSubType>(get_svc, "get_parameters");
    make_service<rcl_interfaces::srv::dds_::DescribeParameters_Request_PubSubType, rcl_interfaces::srv::dds_::DescribeParameters_Response_PubSubType>(describe_svc, "describe_parameters");
    make_service<rcl_interfaces::srv::dds_::SetParameters_Request_PubSubType, rcl_interfaces::srv::dds_::SetParameters_Response_PubSubType>(set_svc, "set_parameters");
    break;
  case MODE_PARAMS_MUTE:
    peer_usage("params-mute mode is served by the cyclone peer only");
    break;
  case MODE_ACTION:
    make_action(action);
    break;
  case MODE_CLIENT:
  case MODE_REPORT: {
    bool report = opt.mode == MODE_REPORT;
    Topic* tq = report ? make_topic(opt.req_topic, new ros2_medkit_msgs::srv::dds_::ReportFault_Request_PubSubType())
                       : make_topic(opt.req_topic, new example_interfaces::srv::dds_::AddTwoInts_Request_PubSubType());
    Topic* tp = report ? make_topic(opt.rep_topic, new ros2_medkit_msgs::srv::dds_::ReportFault_Response_PubSubType())
                       : make_topic(opt.rep_topic, new example_interfaces::srv::dds_::AddTwoInts_Response_PubSubType());
    req_writer = make_writer(tq, true, false, 10, PEER_TYPEHASH_REQUEST, true);
    rep_reader = make_reader(tp, true, false, 10, PEER_TYPEHASH_RESPONSE, true);
    break;
  }
  }

  /* Participant-level graph endpoints, not listed under the node (like rmw). */
  Topic* t_info = make_topic(PEER_TOPIC_DISCOVERY, new CarelessDiscoveryInfoType());
  DataWriter* info_writer = make_writer(t_info, true, true, 1, PEER_TYPEHASH_DISCOVERY, false);
  DataReader* info_reader = make_reader(t_info, true, true, 0, PEER_TYPEHASH_DISCOVERY, false);
  publish_discovery_info(info_writer);

  peer_line("ready guid=%s vendor=fastdds gid=%d domain=%d node=%s%s%s", guid_hex(participant->guid()).c_str(),
            GID_SIZE, opt.domain, opt.ns, strcmp(opt.ns, "/") == 0 ? "" : "/", opt.node_name);

  double start = monotonic_s();
  peer_pacer pacer = {0, 0};
  long sent = 0;
  ClientState client;
  peer_rate rate;
  peer_rate_init(&rate);
  std::vector<char> payload(size_t(opt.size) + 32);
  while (!peer_stop) {
    double now = monotonic_s();
    if (opt.duration_s > 0 && now - start >= opt.duration_s) break;
    print_matches();
    take_discovery_info(info_reader);
    if (opt.mode == MODE_TALKER) {
      if ((opt.count == 0 || sent < opt.count) &&
          peer_pace(&pacer, matched_count(data_writer), opt.wait_match, opt.period_ms, opt.period_ms)) {
        char* text = peer_message(++sent, opt.size, "Hello World: ");
        String_ msg;
        msg.data(text);
        free(text);
        if (!data_writer->write(&msg)) peer_line("write-failed seq=%ld", sent);
        peer_line("sent seq=%ld len=%zu", sent, msg.data().size());
        if (opt.count > 0 && sent == opt.count) peer_line("done sent=%ld", sent);
      }
      sleep_ms(5);
    } else if (opt.mode == MODE_THROUGHPUT_PUB) {
      /* As fast as the writer accepts samples; report the send rate once per second. */
      if ((opt.count == 0 || sent < opt.count) &&
          peer_pace(&pacer, matched_count(data_writer), opt.wait_match, opt.period_ms, 0)) {
        String_ msg;
        for (int batch = 0; batch < 256 && !(opt.count > 0 && sent >= opt.count); batch++) {
          peer_throughput_payload(payload.data(), ++sent, opt.size);
          msg.data(payload.data());
          /* A full KEEP_ALL history makes write() fail after max_blocking_time: retry, so
             sample numbers stay contiguous and the subscriber's loss count stays honest. */
          while (!data_writer->write(&msg) && !peer_stop) {
          }
          rate.samples++;
        }
        if (opt.count > 0 && sent >= opt.count) peer_line("done sent=%ld", sent);
      } else {
        sleep_ms(5);
      }
      peer_sent_tick(&rate, sent);
    } else {
      bool busy = false;
      if (data_reader) {
        String_ msg;
        SampleInfo si;
        while (data_reader->take_next_sample(&msg, &si) == ReturnCode_t::RETCODE_OK) {
          busy = true;
          if (!si.valid_data) continue;
          if (opt.mode == MODE_LISTENER) peer_print_heard(msg.data().c_str());
          else peer_rate_sample(&rate, msg.data().c_str());
        }
        if (opt.mode == MODE_THROUGHPUT_SUB) peer_rate_tick(&rate);
      }
      if (req_reader) serve_requests<Request_, Response_>(req_reader, rep_writer, tracker, add_two_ints);
      if (list_svc.req) serve_requests<ListRequest_, ListResponse_>(list_svc.req, list_svc.rep, list_svc.tracker, list_parameters);
      if (get_svc.req) serve_requests<GetRequest_, GetResponse_>(get_svc.req, get_svc.rep, get_svc.tracker, get_parameters);
      if (describe_svc.req) serve_requests<DescribeRequest_, DescribeResponse_>(describe_svc.req, describe_svc.rep, describe_svc.tracker, describe_parameters);
      if (set_svc.req) serve_requests<SetRequest_, SetResponse_>(set_svc.req, set_svc.rep, set_svc.tracker, set_parameters);
      if (action.send_goal.req) serve_action(action);
      if (rep_reader) {
        if (opt.mode == MODE_REPORT) client_step<ReportCall>(client, req_writer, rep_reader);
        else client_step<AddCall>(client, req_writer, rep_reader);
        if (client.done && opt.duration_s <= 0) break;
      }
      /* Polling keeps the peer single-threaded apart from the match tracker; the reader
         caches samples meanwhile, so a short sleep only costs latency. */
      if (!busy) {
        if (data_reader) data_reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 20000000));
        else sleep_ms(5);
      }
    }
  }
  int exit_code = ((opt.mode == MODE_CLIENT || opt.mode == MODE_REPORT) && client.failed > 0) ? 1 : 0;
  if (opt.mode == MODE_THROUGHPUT_SUB) peer_line("total samples=%ld lost=%ld", rate.total, rate.lost);
  /* Deleting the participant unregisters its endpoints and disposes it on the wire. */
  participant->delete_contained_entities();
  factory->delete_participant(participant);
  peer_line("bye");
  return exit_code;
}
