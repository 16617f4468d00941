// Paths of the shared golden vectors (read-only contract in /work/shared/vectors).
export const VECTORS_DIR = '/work/shared/vectors';
export const ROS_CAPTURE = `${VECTORS_DIR}/talker-listener-rtps.pcapng`;
export const CYCLONE_CAPTURE = `${VECTORS_DIR}/cyclone-peers-lo.pcapng`;
export const FASTDDS_CAPTURE = `${VECTORS_DIR}/fastdds-peers-lo.pcapng`;
export const CDR_VECTORS = `${VECTORS_DIR}/ros2-cdr-vectors.json`;
export const ALL_CAPTURES = [ROS_CAPTURE, CYCLONE_CAPTURE, FASTDDS_CAPTURE];
