// The "nav2" synthetic graph of bench/footprint: sized like the TurtleBot3 Nav2 demo (nav2_bringup with
// Gazebo and RViz), not a copy of it. Every node is an rclcpp-like node of @medkit/ros2: /rosout,
// /parameter_events and the six parameter services. On top:
//   - 12 managed (lifecycle) nodes: 5 lifecycle services + ~/transition_event each;
//   - 10 actions (the Nav2 ones by name; all typed nav2_msgs/action/NavigateToPose, the only Nav2 action
//     type bundled): 3 services (send_goal, cancel_goal, get_result) + 2 topics (feedback, status) each;
//   - plain topics (std_msgs/msg/String), each published by one node and subscribed by the next two;
//   - plain services (std_srvs/srv/Trigger) spread over the nodes, to total SERVICES.
// `nav2Layout()` returns the node specs and the totals; graph-child.mjs builds them.
const LIFECYCLE = ['map_server', 'amcl', 'controller_server', 'local_costmap', 'global_costmap', 'planner_server', 'smoother_server',
  'behavior_server', 'bt_navigator', 'waypoint_follower', 'velocity_smoother', 'collision_monitor'];
const OTHER = ['lifecycle_manager_localization', 'lifecycle_manager_navigation', 'robot_state_publisher', 'gazebo', 'turtlebot3_diff_drive',
  'turtlebot3_joint_state', 'turtlebot3_imu', 'turtlebot3_laserscan', 'rviz2', 'bt_navigator_navigate_to_pose_rclcpp_node',
  'bt_navigator_navigate_through_poses_rclcpp_node', 'transform_listener_impl_amcl', 'transform_listener_impl_controller',
  'transform_listener_impl_planner', 'transform_listener_impl_behavior', 'transform_listener_impl_bt', 'launch_ros', 'static_transform_publisher'];
const ACTIONS = [['bt_navigator', 'navigate_to_pose'], ['bt_navigator', 'navigate_through_poses'], ['controller_server', 'follow_path'],
  ['planner_server', 'compute_path_to_pose'], ['planner_server', 'compute_path_through_poses'], ['smoother_server', 'smooth_path'],
  ['behavior_server', 'spin'], ['behavior_server', 'backup'], ['behavior_server', 'drive_on_heading'], ['waypoint_follower', 'follow_waypoints']];
export const TOPICS = 100;
export const SERVICES = 400;

export function nav2Layout() {
  const names = [...LIFECYCLE, ...OTHER];
  const nodes = names.map((name) => ({ name, lifecycle: LIFECYCLE.includes(name), pubs: [], subs: [], services: [], actions: [] }));
  const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
  for (const [node, action] of ACTIONS) byName[node].actions.push(`/${action}`);
  // Topics so far: /rosout, /parameter_events, one transition_event per lifecycle node, 2 per action.
  const fixedTopics = 2 + LIFECYCLE.length + 2 * ACTIONS.length;
  for (let k = 0; k < TOPICS - fixedTopics; k++) {
    const topic = `/t${k}`;
    nodes[k % nodes.length].pubs.push(topic);
    nodes[(k + 1) % nodes.length].subs.push(topic);
    nodes[(k + 2) % nodes.length].subs.push(topic);
  }
  const fixedServices = 6 * nodes.length + 5 * LIFECYCLE.length + 3 * ACTIONS.length;
  for (let k = 0; k < SERVICES - fixedServices; k++) nodes[k % nodes.length].services.push(`~/srv${k}`);
  return { nodes, counts: { nodes: nodes.length, lifecycleNodes: LIFECYCLE.length, topics: TOPICS, services: SERVICES, actions: ACTIONS.length } };
}
