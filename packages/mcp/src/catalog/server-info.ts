// The gateway itself: version, health, the root overview and the capability description (OpenAPI).
import { z } from 'zod';
import type { ToolDeclaration } from './declaration.js';
import { o } from './schemas.js';

export const SERVER_TOOLS: ToolDeclaration[] = [
  { name: 'version', title: 'Gateway version', description: 'SOVD version and implementation of the gateway (GET /version-info).', method: 'GET', path: '/version-info', input: {}, output: { sovd_info: o.list }, mutating: false },
  { name: 'health', title: 'Gateway health', description: 'Health of the gateway and its parts (GET /health).', method: 'GET', path: '/health', input: {}, output: { status: o.str }, mutating: false },
  { name: 'server_info', title: 'Gateway overview', description: 'The root overview: name, version, capabilities and entry points (GET /).', method: 'GET', path: '/', input: {}, output: { name: o.str, version: o.str, capabilities: o.any }, mutating: false },
  {
    name: 'docs',
    title: 'Capability description',
    description: 'The OpenAPI capability description of the whole API, or of one path (e.g. "apps/lidar/data" → GET /apps/lidar/data/docs, with ROS message schemas inline).',
    method: 'GET',
    path: ['/{scope}/docs', '/docs'],
    input: {
      scope: z
        .string()
        .max(512)
        .regex(/^[A-Za-z0-9_.:~-]+(\/[A-Za-z0-9_.:~-]+)*$/, 'a relative API path such as apps/lidar/data')
        .refine((v) => !v.split('/').some((s) => s === '.' || s === '..'), "no '.' or '..' segments")
        .optional()
        .describe('relative API path to describe (default: the whole API)'),
    },
    output: { openapi: o.str, paths: o.obj },
    mutating: false,
  },
];
