// A message as an indented field tree (model/field-tree.ts): names, values, units; an array says its length and
// shows its first elements.
import { fieldTree, type FieldNode } from '../../model/field-tree';

function Node({ node }: { node: FieldNode }) {
  return (
    <li data-field={node.name}>
      <span class="field-name">{node.name}</span>
      {node.value !== undefined && <> <code class="field-value">{node.value}</code></>}
      {node.unit && <span class="muted small field-unit"> {node.unit}</span>}
      {node.length !== undefined && <span class="muted small"> [{node.length}]</span>}
      {node.children && node.children.length > 0 && <Nodes nodes={node.children} more={node.more} />}
    </li>
  );
}

function Nodes({ nodes, more }: { nodes: FieldNode[]; more?: number }) {
  return (
    <ul class="field-tree" style={{ listStyle: 'none', margin: 0, paddingLeft: '1.25em' }}>
      {nodes.map((n) => (
        <Node key={n.name} node={n} />
      ))}
      {more !== undefined && more > 0 && <li class="muted small">… {more} more</li>}
    </ul>
  );
}

export function FieldTree({ value, type }: { value: unknown; type?: string }) {
  return (
    <div class="small" data-testid="field-tree" aria-label="Message fields">
      <Nodes nodes={fieldTree(value, type)} />
    </div>
  );
}
