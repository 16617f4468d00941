// Identity, discovery details, relationships (from _links) and the raw detail document.
import { isObj, obj, str } from '../../model/json';
import { sourceLabel, stateLabel, TYPE_OF_SEGMENT, type EntityRef } from '../../model/entities';
import { routeHash } from '../../model/route';

/** A link from the entity's `_links` turned into a UI route when it names an entity. */
function linkTarget(href: string): string | undefined {
  const m = /\/api\/v1\/(areas|components|apps|functions)\/([^/]+)$/.exec(href);
  if (!m) return undefined;
  return routeHash({ view: 'entity', type: TYPE_OF_SEGMENT[m[1]], id: decodeURIComponent(m[2]) });
}

export function OverviewTab({ detail, entity }: { detail: unknown; entity: EntityRef }) {
  const d = obj(detail);
  const x = obj(d['x-medkit']);
  const identity = obj(x.identity);
  const links = Object.entries(obj(d._links)).filter(([k]) => k !== 'self' && k !== 'collection');
  const rows: [string, string | undefined][] = [
    ['Id', entity.id],
    ['Type', entity.type],
    ['State', stateLabel(entity)],
    ['Discovery source', entity.source ? sourceLabel(entity.source) : undefined],
    ['ROS node', entity.node],
    ['ROS namespace', entity.namespace],
    ['Host component', entity.componentId],
    ['Tags', entity.tags.join(', ') || undefined],
    ['Contributors', Array.isArray(x.contributors) ? x.contributors.join(', ') : undefined],
  ];
  return (
    <div class="stack">
      <dl class="facts">
        {rows
          .filter((r) => r[1])
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {Object.keys(identity).length > 0 && (
        <>
          <h2>Identity</h2>
          <dl class="facts">
            {Object.entries(identity)
              .filter(([k]) => k !== '_provenance')
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{isObj(v) ? JSON.stringify(v) : String(v)}</dd>
                </div>
              ))}
          </dl>
        </>
      )}
      {links.length > 0 && (
        <>
          <h2>Relationships</h2>
          <ul class="links">
            {links.flatMap(([rel, v]) =>
              (Array.isArray(v) ? v : [v]).map((href) => {
                const h = str(href) ?? '';
                const target = linkTarget(h);
                return (
                  <li key={`${rel}:${h}`}>
                    <span class="rel">{rel}</span> {target ? <a href={target}>{h.split('/').pop()}</a> : <code>{h}</code>}
                  </li>
                );
              }),
            )}
          </ul>
        </>
      )}
      <details>
        <summary>Raw entity document</summary>
        <pre class="json">{JSON.stringify(detail, null, 2)}</pre>
      </details>
    </div>
  );
}
