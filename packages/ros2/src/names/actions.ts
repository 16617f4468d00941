/**
 * The five DDS-visible parts of a ROS 2 action (docs/ros2.md): three services and two topics
 * below `<action>/_action/`.
 */
import { serviceToDds, topicToDds, type ServiceDdsTopics } from './dds-topics.js';

/** Path segment between the action name and its parts. */
const ACTION_INFIX = '/_action/';

/** Service parts of an action. */
const ACTION_SERVICES = ['send_goal', 'cancel_goal', 'get_result'] as const;
/** Topic parts of an action. */
const ACTION_TOPICS = ['feedback', 'status'] as const;

/** A service part of an action. */
type ActionServicePart = (typeof ACTION_SERVICES)[number];
/** A topic part of an action. */
type ActionTopicPart = (typeof ACTION_TOPICS)[number];
/** Any part of an action. */
type ActionPart = ActionServicePart | ActionTopicPart;

/** ROS names of the parts of action `/ns/fib`: `/ns/fib/_action/send_goal` etc. */
interface ActionRosNames {
  sendGoal: string;
  cancelGoal: string;
  getResult: string;
  feedback: string;
  status: string;
}

/** ROS names (services and topics) of the parts of a fully qualified action name. */
export function actionRosNames(actionName: string): ActionRosNames {
  const base = actionName.endsWith('/') ? actionName.slice(0, -1) : actionName;
  const part = (p: ActionPart): string => `${base}${ACTION_INFIX}${p}`;
  return {
    sendGoal: part('send_goal'),
    cancelGoal: part('cancel_goal'),
    getResult: part('get_result'),
    feedback: part('feedback'),
    status: part('status'),
  };
}

/** DDS topics of the parts of an action. */
interface ActionDdsTopics {
  sendGoal: ServiceDdsTopics;
  cancelGoal: ServiceDdsTopics;
  getResult: ServiceDdsTopics;
  feedback: string;
  status: string;
}

/** DDS topic names of every part of a fully qualified action name. */
export function actionToDds(actionName: string): ActionDdsTopics {
  const n = actionRosNames(actionName);
  return {
    sendGoal: serviceToDds(n.sendGoal),
    cancelGoal: serviceToDds(n.cancelGoal),
    getResult: serviceToDds(n.getResult),
    feedback: topicToDds(n.feedback),
    status: topicToDds(n.status),
  };
}

/** An action part found in a service or topic name. */
interface ParsedActionPart {
  /** The action's ROS name, e.g. `/ns/fib`. */
  action: string;
  part: ActionPart;
}

/**
 * Recognises a service or topic name that belongs to an action: `/ns/fib/_action/status` →
 * `{action: '/ns/fib', part: 'status'}`. Pass `kind` to accept only service or only topic parts.
 */
export function parseActionPart(rosName: string, kind?: 'service' | 'topic'): ParsedActionPart | undefined {
  const at = rosName.lastIndexOf(ACTION_INFIX);
  if (at <= 0) return undefined;
  const part = rosName.slice(at + ACTION_INFIX.length);
  const allowed: readonly string[] =
    kind === 'service' ? ACTION_SERVICES : kind === 'topic' ? ACTION_TOPICS : [...ACTION_SERVICES, ...ACTION_TOPICS];
  if (!allowed.includes(part)) return undefined;
  return { action: rosName.slice(0, at), part: part as ActionPart };
}
