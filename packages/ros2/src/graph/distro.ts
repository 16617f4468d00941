/**
 * Which ROS 2 distribution the robot runs, as far as the wire is concerned (docs/ros2.md "Distro").
 * Two generations differ in what a peer expects from us: Humble and earlier write 24-byte Gids in
 * ros_discovery_info and announce no endpoint USER_DATA; Iron and later write 16-byte Gids and announce
 * `typehash=RIHS01_…;` on every endpoint.
 */
import type { GidSize } from '../types/index.js';

/** Values of `ros.distro` (`ROS_DISTRO`): `auto` learns the generation from the peers. */
export const ROS_DISTROS = ['auto', 'foxy', 'galactic', 'humble', 'iron', 'jazzy', 'kilted', 'rolling'] as const;
export type RosDistro = (typeof ROS_DISTROS)[number];

/** A wire generation: `humble` (Humble and earlier) or `iron+` (Iron, Jazzy and later). */
export type WireGeneration = 'humble' | 'iron+';

/** The generation a configured distro implies; undefined for `auto`. */
export function generationOfDistro(distro: RosDistro): WireGeneration | undefined {
  if (distro === 'auto') return undefined;
  return distro === 'foxy' || distro === 'galactic' || distro === 'humble' ? 'humble' : 'iron+';
}

/** The Gid size a generation writes in ros_discovery_info. */
export function gidSizeOfGeneration(g: WireGeneration): GidSize {
  return g === 'humble' ? 24 : 16;
}

/** True for a known distro name (case-insensitive input is lowered by the caller). */
export function isRosDistro(s: string): s is RosDistro {
  return (ROS_DISTROS as readonly string[]).includes(s);
}
