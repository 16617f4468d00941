// The node-opcua libraries as the plugin holds them (imported lazily at start), and the deadline every
// session call runs under: the types the session modules (connection, browse, discovery, tokens) share.

/** The `node-opcua-client` module. */
export type OpcuaLib = typeof import('node-opcua-client');
/** The `node-opcua-certificate-manager` module. */
export type CertificateManagerLib = typeof import('node-opcua-certificate-manager');

/** Runs one remote call with the request deadline. */
export type Deadline = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

/** node-opcua is CommonJS: its exports are the default export under ESM. */
export async function loadLibraries(): Promise<{ lib: OpcuaLib; certs: CertificateManagerLib }> {
  const lib = (await import('node-opcua-client')) as unknown as { default?: OpcuaLib } & OpcuaLib;
  const certs = (await import('node-opcua-certificate-manager')) as unknown as { default?: CertificateManagerLib } & CertificateManagerLib;
  return { lib: lib.default ?? lib, certs: certs.default ?? certs };
}
