/**
 * Splitting `.srv` and `.action` files into their message parts, and the wrapper messages rosidl
 * generates around an action's goal, result and feedback (docs/ros2.md).
 */

/** Splits an interface file on its `---` separator lines. */
export function splitSections(text: string): string[] {
  const sections: string[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (/^---\s*$/.test(line.trim())) sections.push([]);
    else sections[sections.length - 1].push(line);
  }
  return sections.map((lines) => lines.join('\n'));
}

/** Number of `---`-separated sections each interface kind must have. */
export const SECTION_COUNT = { msg: 1, srv: 2, action: 3 } as const;

/** Index of each message part inside a `.srv` / `.action` file. */
export const SECTION_OF_ROLE: Readonly<Record<string, number>> = {
  request: 0,
  response: 1,
  goal: 0,
  result: 1,
  feedback: 2,
};

/**
 * The `.msg` text of an action wrapper type, or `undefined` for roles that are not wrappers.
 * `action` is the canonical action name, e.g. `pkg/action/Fib`.
 */
export function actionWrapperText(action: string, role: string): string | undefined {
  switch (role) {
    case 'sendGoalRequest':
      return `unique_identifier_msgs/msg/UUID goal_id\n${action}_Goal goal\n`;
    case 'sendGoalResponse':
      return 'bool accepted\nbuiltin_interfaces/msg/Time stamp\n';
    case 'getResultRequest':
      return 'unique_identifier_msgs/msg/UUID goal_id\n';
    case 'getResultResponse':
      // status holds an action_msgs/msg/GoalStatus STATUS_* value.
      return `int8 status\n${action}_Result result\n`;
    case 'feedbackMessage':
      return `unique_identifier_msgs/msg/UUID goal_id\n${action}_Feedback feedback\n`;
    default:
      return undefined;
  }
}
