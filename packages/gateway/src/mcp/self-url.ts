// The URL the MCP tools address the gateway's own API by (the host is only a name: calls are served in-process).

/** The loopback address of this gateway's own API (a wildcard bind is reached on 127.0.0.1). */
export function selfApiUrl(listening: { host: string; port: number }): string {
  const host = listening.host === '0.0.0.0' || listening.host === '::' || listening.host === '' ? '127.0.0.1' : listening.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}/api/v1`;
}
