// One entity: identity and a tab per resource collection it advertises (docs/api.md).
import { capabilityNames, entityTabs, TAB_LABELS, type TabId } from '../model/capabilities';
import { entityPath, isHostType, normalizeEntity, SEGMENT, type EntityType } from '../model/entities';
import { routeHash } from '../model/route';
import { useApp } from './context';
import { usePoll } from './hooks';
import { Tabs } from './tabs';
import { ErrorNote } from './errors';
import { StateBadge, SourceTag, FaultCountBadge } from './badges';
import { OverviewTab } from './tabs/overview-tab';
import { DataTab } from './tabs/data-tab';
import { OperationsTab } from './tabs/operations-tab';
import { ConfigurationsTab } from './tabs/configurations-tab';
import { EntityFaultsTab } from './tabs/faults-tab';
import { LogsTab } from './tabs/logs-tab';
import { StatusTab } from './tabs/status-tab';
import { LocksTab } from './tabs/locks-tab';
import { BulkDataTab } from './tabs/bulk-data-tab';
import { PROCFS_CAPABILITY, ProcessMetricsPanel } from './process-metrics-panel';
import { countFaultsByEntity, countKey } from '../model/fault-counts';
import { useMemo } from 'preact/hooks';
import { FunctionGraphPanel } from './graph/function-graph-panel';

interface EntityDetailProps {
  type: EntityType;
  id: string;
  tab?: string;
}

/** Whether the entity detail lists a capability (vendor ones get no tab of their own). */
function hasCapability(detail: unknown, name: string): boolean {
  const caps = (detail as { capabilities?: unknown })?.capabilities;
  return Array.isArray(caps) && caps.some((c) => (c as { name?: unknown })?.name === name);
}

export function EntityDetail({ type, id, tab }: EntityDetailProps) {
  const { client, faults, tree } = useApp();
  const path = entityPath({ type, id });
  const detail = usePoll((signal) => client.entityGet(SEGMENT[type], id, '', { signal }), [client, path], 10_000);
  const entityKey = { type, id };
  const tabs = detail.data ? entityTabs(detail.data) : (['overview'] as TabId[]);
  const active: TabId = tabs.includes(tab as TabId) ? (tab as TabId) : 'overview';
  const entity = detail.data ? normalizeEntity(detail.data, type) : null;
  const counts = useMemo(() => countFaultsByEntity(faults.faults, tree.input), [faults.faults, tree.input]);

  if (detail.error && !detail.data) {
    return (
      <section class="panel">
        <h1>
          {type} {id}
        </h1>
        <ErrorNote error={detail.error} />
      </section>
    );
  }
  if (!detail.data || !entity) {
    return (
      <section class="panel">
        <h1>Loading {id}…</h1>
      </section>
    );
  }
  const setTab = (t: TabId) => {
    window.history.replaceState(null, '', routeHash({ view: 'entity', type, id, tab: t === 'overview' ? undefined : t }));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };
  return (
    <section class="panel entity-detail" data-testid="entity-detail">
      <header class="entity-head">
        <h1>
          <span class="type-tag">{type}</span> {entity.name}
        </h1>
        <div class="entity-meta">
          <code>{entity.id}</code>
          <StateBadge entity={entity} />
          <SourceTag source={entity.source} />
          <FaultCountBadge count={counts.get(countKey(type, id))} />
        </div>
        {entity.description && <p class="description">{entity.description}</p>}
      </header>
      <Tabs label={`${entity.name} resources`} idPrefix="entity" tabs={tabs.map((t) => ({ id: t, label: TAB_LABELS[t] }))} active={active} onChange={setTab}>
        {active === 'overview' && <OverviewTab detail={detail.data} entity={entity} />}
        {active === 'overview' && isHostType(type) && hasCapability(detail.data, PROCFS_CAPABILITY) && <ProcessMetricsPanel entity={{ type, id }} />}
        {active === 'overview' && type === 'function' && capabilityNames(detail.data).has('x-medkit-graph') && <FunctionGraphPanel id={id} />}
        {active === 'data' && <DataTab entity={entityKey} />}
        {active === 'operations' && <OperationsTab entity={entityKey} />}
        {active === 'configurations' && <ConfigurationsTab entity={entityKey} />}
        {active === 'faults' && <EntityFaultsTab entity={entityKey} />}
        {active === 'logs' && <LogsTab entity={entityKey} />}
        {/* Lifecycle status and locks exist on apps and components only (the document has no such route elsewhere). */}
        {active === 'status' && isHostType(type) && <StatusTab entity={{ type, id }} />}
        {active === 'locks' && isHostType(type) && <LocksTab entity={{ type, id }} />}
        {active === 'bulk-data' && <BulkDataTab entity={entityKey} />}
      </Tabs>
    </section>
  );
}
