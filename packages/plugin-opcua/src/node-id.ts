// NodeId strings of the node map (OPC-UA Part 6 docs/introspection.md): `ns=<index>;<kind>=<identifier>` or, for
// namespace 0, just `<kind>=<identifier>`. Checked here so a bad id is refused by name at start-up
// instead of failing inside the client library on first use.

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Why `s` is not a NodeId string, or undefined when it is one. */
export function parseNodeId(s: string): string | undefined {
  let rest = s;
  const ns = /^ns=(\d{1,5});/.exec(s);
  if (ns) {
    if (Number(ns[1]) > 65535) return 'namespace index must be 0–65535';
    rest = s.slice(ns[0].length);
  } else if (s.startsWith('ns=')) {
    return `'${s.slice(0, 40)}' has a bad namespace part (ns=<0–65535>;…)`;
  }
  const kind = rest.slice(0, 2);
  const id = rest.slice(2);
  switch (kind) {
    case 'i=':
      if (!/^\d{1,10}$/.test(id) || Number(id) > 0xffffffff) return 'a numeric identifier must be 0–4294967295';
      return undefined;
    case 's=':
      return id.length === 0 ? 'a string identifier must not be empty' : id.length > 4096 ? 'a string identifier is at most 4096 characters' : undefined;
    case 'g=':
      return GUID.test(id) ? undefined : 'a GUID identifier has the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
    case 'b=':
      return id.length > 0 && id.length <= 4096 && BASE64.test(id) ? undefined : 'an opaque identifier must be base64';
    default:
      return `'${s.slice(0, 40)}' is not a NodeId (ns=<n>;i=… | s=… | g=… | b=…)`;
  }
}
