// Which of the UI's controls a caller may use (docs/security.md with its [OURS] rows). The gateway
// decides every request; this only disables controls that would be refused, so a viewer is not
// invited to press buttons that answer 403. packages/web/test/ui-login.test.ts checks each row
// against the `security` the gateway publishes for the route in its OpenAPI document.
import { roleAtLeast, type Role } from './jwt';

/** The UI's mutating controls. */
export type Control = 'data.publish' | 'operation.execute' | 'operation.cancel' | 'fault.clear' | 'fault.acknowledge' | 'config.write' | 'config.reset' | 'lifecycle.operate' | 'lifecycle.shutdown';

/** Minimum role per control. */
export const CONTROL_ROLES: Record<Control, Role> = {
  'data.publish': 'operator',
  'operation.execute': 'operator',
  'operation.cancel': 'operator',
  'fault.clear': 'operator',
  'fault.acknowledge': 'operator',
  'config.write': 'configurator',
  'config.reset': 'configurator',
  // start, restart, force-restart
  'lifecycle.operate': 'operator',
  // shutdown, force-shutdown
  'lifecycle.shutdown': 'configurator',
};

/** The lifecycle control of a transition name (docs/resources.md). */
export function lifecycleControl(transition: string): Control {
  return transition === 'shutdown' || transition === 'force-shutdown' ? 'lifecycle.shutdown' : 'lifecycle.operate';
}

/** How the gateway enforces tokens (GET / `auth.require_auth_for`); undefined = auth off. */
export type AuthMode = 'none' | 'write' | 'all' | undefined;

/** Why a control is refused, or undefined when it may be used. */
export function refusal(control: Control, mode: AuthMode, role: Role | undefined): string | undefined {
  if (mode === undefined || mode === 'none') return undefined;
  const min = CONTROL_ROLES[control];
  if (!role) return `Sign in with the ${min} role or above to use this`;
  return roleAtLeast(role, min) ? undefined : `Needs the ${min} role; you are signed in as ${role}`;
}
