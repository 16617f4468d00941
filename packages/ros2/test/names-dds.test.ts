import { describe, expect, it } from 'vitest';
import {
  actionRosNames,
  actionToDds,
  actionWireTypes,
  classifyType,
  ddsToService,
  ddsToTopic,
  ddsTypeToRos,
  normalizeRosTypeName,
  parseActionPart,
  parseDdsTopic,
  parseRosTypeName,
  rosTypeToDds,
  serviceToDds,
  serviceTypeToDds,
  topicToDds,
} from '../src/names/index.js';

describe('topic names', () => {
  it('maps ROS topics to rt/ and back', () => {
    expect(topicToDds('/chatter')).toBe('rt/chatter');
    expect(topicToDds('/ns/chatter')).toBe('rt/ns/chatter');
    expect(ddsToTopic('rt/chatter')).toBe('/chatter');
    expect(ddsToTopic('rt/a/b/_hidden')).toBe('/a/b/_hidden');
    for (const n of ['/x', '/a/b/c', '/_x/_action/feedback']) expect(ddsToTopic(topicToDds(n))).toBe(n);
  });
  it('refuses relative names instead of producing a broken DDS name', () => {
    expect(() => topicToDds('chatter')).toThrow(/not fully qualified/);
    expect(() => serviceToDds('~/x')).toThrow(/not fully qualified/);
  });
  it('ignores non-ROS and reserved DDS topics', () => {
    expect(parseDdsTopic('ros_discovery_info')).toBeUndefined();
    expect(parseDdsTopic('DCPSParticipant')).toBeUndefined();
    expect(parseDdsTopic('rp/x')).toBeUndefined();
    expect(parseDdsTopic('ra/x')).toBeUndefined();
    expect(parseDdsTopic('rt')).toBeUndefined();
    expect(parseDdsTopic('rt/')).toBeUndefined();
    expect(parseDdsTopic('rtx/y')).toBeUndefined();
  });
});

describe('service names', () => {
  it('maps to rq/<name>Request and rr/<name>Reply and back', () => {
    expect(serviceToDds('/ns/add_two_ints')).toEqual({ request: 'rq/ns/add_two_intsRequest', reply: 'rr/ns/add_two_intsReply' });
    expect(parseDdsTopic('rq/ns/add_two_intsRequest')).toEqual({ kind: 'request', rosName: '/ns/add_two_ints' });
    expect(parseDdsTopic('rr/talker/get_parametersReply')).toEqual({ kind: 'reply', rosName: '/talker/get_parameters' });
    expect(ddsToService('rq/xRequest')).toBe('/x');
    expect(ddsToService('rt/x')).toBeUndefined();
  });
  it('rejects request/reply topics without their suffix or with the wrong one', () => {
    expect(parseDdsTopic('rq/x')).toBeUndefined();
    expect(parseDdsTopic('rq/xReply')).toBeUndefined();
    expect(parseDdsTopic('rr/xRequest')).toBeUndefined();
    expect(parseDdsTopic('rq/Request')).toBeUndefined();
  });
});

describe('action names', () => {
  it('lists the five parts and their DDS topics', () => {
    expect(actionRosNames('/ns/fib')).toEqual({
      sendGoal: '/ns/fib/_action/send_goal',
      cancelGoal: '/ns/fib/_action/cancel_goal',
      getResult: '/ns/fib/_action/get_result',
      feedback: '/ns/fib/_action/feedback',
      status: '/ns/fib/_action/status',
    });
    const dds = actionToDds('/ns/fib');
    expect(dds.sendGoal).toEqual({ request: 'rq/ns/fib/_action/send_goalRequest', reply: 'rr/ns/fib/_action/send_goalReply' });
    expect(dds.cancelGoal.request).toBe('rq/ns/fib/_action/cancel_goalRequest');
    expect(dds.getResult.reply).toBe('rr/ns/fib/_action/get_resultReply');
    expect(dds.feedback).toBe('rt/ns/fib/_action/feedback');
    expect(dds.status).toBe('rt/ns/fib/_action/status');
  });
  it('recognises parts from a service or topic name', () => {
    expect(parseActionPart('/ns/fib/_action/status')).toEqual({ action: '/ns/fib', part: 'status' });
    expect(parseActionPart('/fib/_action/send_goal', 'service')).toEqual({ action: '/fib', part: 'send_goal' });
    expect(parseActionPart('/fib/_action/send_goal', 'topic')).toBeUndefined();
    expect(parseActionPart('/fib/_action/other')).toBeUndefined();
    expect(parseActionPart('/_action/status')).toBeUndefined();
    const dds = ddsToService(actionToDds('/a/b').getResult.request);
    expect(dds && parseActionPart(dds)).toEqual({ action: '/a/b', part: 'get_result' });
  });
});

describe('type names', () => {
  it('maps message types both ways', () => {
    expect(rosTypeToDds('std_msgs/msg/String')).toBe('std_msgs::msg::dds_::String_');
    expect(rosTypeToDds('std_msgs/String')).toBe('std_msgs::msg::dds_::String_');
    expect(ddsTypeToRos('std_msgs::msg::dds_::String_')).toBe('std_msgs/msg/String');
    expect(ddsTypeToRos('rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_')).toBe('rmw_dds_common/msg/ParticipantEntitiesInfo');
  });
  it('maps service request/response types', () => {
    expect(serviceTypeToDds('example_interfaces/srv/AddTwoInts')).toEqual({
      request: 'example_interfaces::srv::dds_::AddTwoInts_Request_',
      response: 'example_interfaces::srv::dds_::AddTwoInts_Response_',
    });
    expect(ddsTypeToRos('example_interfaces::srv::dds_::AddTwoInts_Response_')).toBe('example_interfaces/srv/AddTwoInts_Response');
  });
  it('maps the derived action types', () => {
    const w = actionWireTypes('pkg/action/Fib');
    expect(rosTypeToDds(w.sendGoalRequest)).toBe('pkg::action::dds_::Fib_SendGoal_Request_');
    expect(rosTypeToDds(w.sendGoalResponse)).toBe('pkg::action::dds_::Fib_SendGoal_Response_');
    expect(rosTypeToDds(w.getResultRequest)).toBe('pkg::action::dds_::Fib_GetResult_Request_');
    expect(rosTypeToDds(w.getResultResponse)).toBe('pkg::action::dds_::Fib_GetResult_Response_');
    expect(rosTypeToDds(w.feedbackMessage)).toBe('pkg::action::dds_::Fib_FeedbackMessage_');
    expect(rosTypeToDds(w.cancelGoalRequest)).toBe('action_msgs::srv::dds_::CancelGoal_Request_');
    expect(rosTypeToDds(w.status)).toBe('action_msgs::msg::dds_::GoalStatusArray_');
    expect(() => actionWireTypes('pkg/msg/Fib')).toThrow(/not an action/);
  });
  it('rejects malformed DDS and ROS type names', () => {
    expect(ddsTypeToRos('std_msgs::msg::String_')).toBeUndefined();
    expect(ddsTypeToRos('std_msgs::msg::dds_::String')).toBeUndefined();
    expect(ddsTypeToRos('std_msgs::msg::dds::String_')).toBeUndefined();
    expect(ddsTypeToRos('std_msgs::foo::dds_::String_')).toBeUndefined();
    expect(ddsTypeToRos('HelloWorld')).toBeUndefined();
    expect(parseRosTypeName('std_msgs/msg/String/x')).toBeUndefined();
    expect(parseRosTypeName('std_msgs/foo/String')).toBeUndefined();
    expect(parseRosTypeName('String')).toBeUndefined();
    expect(parseRosTypeName('std-msgs/msg/String')).toBeUndefined();
    expect(() => rosTypeToDds('nonsense')).toThrow(/not a ROS type name/);
  });
  it('normalizes every accepted form', () => {
    expect(normalizeRosTypeName('geometry_msgs/Twist')).toBe('geometry_msgs/msg/Twist');
    expect(normalizeRosTypeName('geometry_msgs::msg::dds_::Twist_')).toBe('geometry_msgs/msg/Twist');
    expect(normalizeRosTypeName('pkg/action/Fib')).toBe('pkg/action/Fib');
  });
  it('classifies the role of a message-like type', () => {
    expect(classifyType('std_msgs/msg/String')).toEqual({ role: 'message', type: 'std_msgs/msg/String' });
    expect(classifyType('example_interfaces::srv::dds_::AddTwoInts_Request_')).toEqual({ role: 'request', service: 'example_interfaces/srv/AddTwoInts' });
    expect(classifyType('pkg/action/Fib_SendGoal_Request')).toEqual({ role: 'sendGoalRequest', action: 'pkg/action/Fib' });
    expect(classifyType('pkg/action/Fib_GetResult_Response')).toEqual({ role: 'getResultResponse', action: 'pkg/action/Fib' });
    expect(classifyType('pkg/action/Fib_FeedbackMessage')).toEqual({ role: 'feedbackMessage', action: 'pkg/action/Fib' });
    expect(classifyType('pkg/action/Fib_Feedback')).toEqual({ role: 'feedback', action: 'pkg/action/Fib' });
    expect(classifyType('pkg/action/Fib_Goal')).toEqual({ role: 'goal', action: 'pkg/action/Fib' });
    expect(classifyType('pkg/srv/Plain')).toBeUndefined();
    expect(classifyType('pkg/srv/_Request')).toBeUndefined();
  });
});
