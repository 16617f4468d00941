// A response body passed to the client as is (plugin payloads, docs/plugins.md: opaque schemas), not
// through the route's response schema.
export class Verbatim {
  constructor(readonly body: unknown) {}
}
