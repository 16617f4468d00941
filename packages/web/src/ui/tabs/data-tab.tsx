// Data items (topics): live values polled once a second while a row is on screen and the page is
// visible, a topic's view (its row opened) streamed from the gateway with the rate, bandwidth and age it
// measures (data-stream.ts; polled as before when the gateway has no stream), and a publish form generated
// from the item's type schema.
import { useRef, useState } from 'preact/hooks';
import { isObj, items, num, obj, str, xm } from '../../model/json';
import { createLimiter } from '../../api/limiter';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { fetchTopicRates } from '../../graph/robot-graph';
import { useOnScreen, usePoll } from '../hooks';
import { ErrorNote, errorText } from '../errors';
import { TableHead } from '../table-head';
import { addRead, observedRate, type ItemHistory } from './data-history';
import { writable } from './data-write';
import { WriteDialog, type WritableItem } from './data-write-dialog';
import { LazyView } from '../lazy-view';
import { flattenMessage } from '../../incident/field-flatten';
import { bandwidthText, rateLine, useTopicStream, type TopicStream } from './data-stream';
import { FieldTree } from './data-field-tree';

// The plot (uPlot) is a chunk of its own, loaded when a row's plot is first opened: no first paint draws one.
const loadPlot = () => import('./data-plot');

interface DataItem extends WritableItem {
  id: string;
  name: string;
  direction?: string;
  type?: string;
  /** Publishers of the topic on the robot (other processes), as the list says. */
  publishers?: number;
  schema?: unknown;
  defaultValue?: unknown;
  available: boolean;
}

function normalizeDataItems(body: unknown): DataItem[] {
  return items(body)
    .filter(isObj)
    .map((i) => {
      const x = xm(i);
      const ros2 = obj(x.ros2);
      const ti = obj(x.type_info);
      return {
        id: str(i.id) ?? '',
        name: str(i.name) ?? str(i.id) ?? '',
        direction: str(ros2.direction),
        type: str(ros2.type) ?? str(i.data_type),
        publishers: num(i.publisher_count) ?? num(x.publisher_count),
        topic: str(ros2.topic) ?? str(i.id) ?? '',
        publisherNames: Array.isArray(x.publishers) ? x.publishers.map(String) : undefined,
        schema: ti.schema,
        defaultValue: ti.default_value,
        available: x.available !== false,
      };
    })
    .filter((d) => d.id !== '');
}

/** Value reads in flight at once, below the gateway's default cold-wait cap of 4. */
const VALUE_READS = createLimiter(3);
const COLD_POLL_MS = 5000;


export function DataTab({ entity }: { entity: EntityKey }) {
  const { client, health, tree } = useApp();
  const path = entityPath(entity);
  const list = usePoll((signal) => client.entityGet(SEGMENT[entity.type], entity.id, '/data', { signal }), [client, path], 15_000);
  // The rates the gateway measures (graph_provider, every message counted): the same figure the graph shows.
  const appId = /^\/apps\/([^/]+)$/.exec(path)?.[1];
  const functions = appId && health?.plugins.includes('graph_provider')
    ? tree.input.functions.filter((f) => (tree.input.functionHosts[f.id] ?? []).some((h) => h.id === decodeURIComponent(appId))).map((f) => f.id)
    : [];
  const measured = usePoll((signal) => fetchTopicRates(client, functions, signal), [client, functions.join(',')], 10_000, functions.length > 0);
  const [writing, setWriting] = useState<DataItem>();
  if (list.error && !list.data) return <ErrorNote error={list.error} what="Data" />;
  if (!list.data) return <p class="muted">Loading data items…</p>;
  const data = normalizeDataItems(list.data);
  if (data.length === 0) return <p class="muted">This entity has no data items.</p>;
  return (
    <>
        <table class="grid data-table">
          <TableHead caption="Data items with live values" columns={['Item', 'Type', 'Rate · age', 'Value (live)', '']} />
          <tbody>
            {data.map((d) => (
              <DataRow key={d.id} entity={entity} item={d} measuredHz={measured.data?.get(d.name)} onWrite={() => setWriting(d)} />
            ))}
          </tbody>
        </table>
        <WriteDialog entity={entity} item={writing} onClose={() => setWriting(undefined)} />
    </>
  );
}

function DataRow({ entity, item, onWrite, measuredHz }: { entity: EntityKey; item: DataItem; onWrite: () => void; measuredHz?: number }) {
  const { client, auth } = useApp();
  const path = entityPath(entity);
  const writeDenied = auth.refusal('data.publish');
  const ref = useRef<HTMLTableRowElement>(null);
  const onScreen = useOnScreen(ref);
  // Topics that had no message to give (or a refused read) are asked again less often.
  const [cold, setCold] = useState(false);
  const [open, setOpen] = useState(false);
  const [history, setHistory] = useState<ItemHistory>({ samples: [] });
  // The open view streams; the row polls only while no stream is live (not opened, refused, reconnecting).
  const stream = useTopicStream(path, item.id, open && item.available);
  const streaming = stream.state === 'live' && stream.latest !== undefined;
  const value = usePoll(
    async (signal) => {
      try {
        const body = await VALUE_READS.run(() => client.entityGet(SEGMENT[entity.type], entity.id, '/data/{data_id}', { signal, timeoutMs: 5000, path: { data_id: item.id } }), signal);
        setCold(str(xm(body).status) === 'metadata_only');
        setHistory((h) => addRead(h, body));
        return body;
      } catch (err) {
        setCold(true);
        throw err;
      }
    },
    [client, path, item.id],
    cold ? COLD_POLL_MS : 1000,
    onScreen && item.available && !streaming,
  );
  const x = xm(value.data);
  const status = str(x.status);
  const streamed = streaming && stream.value !== undefined;
  const shown = streamed ? stream.value : value.data ? obj(value.data).data : undefined;
  const shownHistory = streamed ? stream.history : history;
  const rate = observedRate(history);
  // The gateway's own measurement with each read (every message counted), not how often this page happened to read.
  const readHz = num(x.rate_hz);
  const streamHz = streaming ? stream.latest?.stats.rateHz : undefined;
  const ageSec = streaming ? stream.latest?.ageSec : history.ageSec;
  const hasValue = streamed || (value.data !== undefined && status !== 'metadata_only' && !value.error);
  return (
    <>
      <tr ref={ref} data-item={item.id}>
        <th scope="row">
          <code>{item.name}</code>
          {item.direction && <span class="muted small"> {item.direction}</span>}
        </th>
        <td>
          <code class="small">{item.type ?? '—'}</code>
        </td>
        <td class="small nowrap" data-testid="rate-age">
          {streamHz !== undefined ? (
            <span title="Measured by the gateway over every message (topic stream)">{streamHz.toFixed(1)} Hz</span>
          ) : readHz !== undefined ? (
            <span title="Measured by the gateway over every message its subscription to the topic received (x-medkit.rate_hz of the read)">{readHz.toFixed(1)} Hz</span>
          ) : measuredHz !== undefined ? (
            <span title="Measured by the gateway over every message (graph_provider), as the robot graph shows it">{measuredHz.toFixed(1)} Hz</span>
          ) : rate !== undefined ? (
            rateText(rate, history)
          ) : (
            '—'
          )}
          {ageSec !== undefined ? ` · ${ageText(ageSec)} old` : ''}
        </td>
        <td class="value-cell" aria-live="off">
          {!item.available ? (
            <span class="muted">unavailable (peer silent)</span>
          ) : value.error && !streamed ? (
            <span class="error small">{errorText(value.error)}</span>
          ) : !streamed && value.data === undefined ? (
            <span class="muted">…</span>
          ) : !streamed && status === 'metadata_only' ? (
            <span class="muted">no message received yet</span>
          ) : (
            <>
            <ValueParts parts={formatValue(shown)} />
            {typeof shown === 'object' && shown !== null && (
              <details class="small">
                <summary>JSON</summary>
                <pre class="json">{JSON.stringify(shown, null, 1).slice(0, 20_000)}</pre>
              </details>
            )}
          </>
          )}
        </td>
        <td class="nowrap">
          {hasValue && (
            <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide plot' : 'Plot'}
            </button>
          )}{' '}
          {writable(item) && item.available && (
            <button type="button" onClick={onWrite} disabled={!!writeDenied} title={writeDenied}>
              Write…
            </button>
          )}
        </td>
      </tr>
      {open && hasValue && (
        <tr class="plot-row" data-plot-for={item.id}>
          <td colSpan={5}>
            <StreamStatsLine stream={stream} />
            <div class="live-views">
              <LazyView load={loadPlot} what="the plot">
                {(m) => (
                  <>
                    {m.isScan(shown) && <m.ScanView value={shown} name={item.name} />}
                    <m.LivePlot history={shownHistory} name={item.name} />
                  </>
                )}
              </LazyView>
            </div>
            <FieldTree value={shown} type={item.type} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Age as the row shows it: ms under a second, else seconds. */
function ageText(sec: number): string {
  return sec < 1 ? `${Math.round(sec * 1000)} ms` : `${sec.toFixed(1)} s`;
}

/** The gateway's figures for an open topic view, or why they are not there (no stream: the values are polled). */
function StreamStatsLine({ stream }: { stream: TopicStream }) {
  const s = stream.latest?.stats;
  if (stream.state !== 'live' || !s) {
    const why = stream.state === 'unavailable' ? 'no live stream from this gateway: values read once a second' : stream.state === 'reconnecting' ? 'live stream reconnecting…' : 'connecting to the live stream…';
    return <p class="muted small" data-testid="stream-stats" data-state={stream.state}>{why}</p>;
  }
  const age = stream.latest?.ageSec;
  return (
    <p class="small" data-testid="stream-stats" data-state="live" data-rate-hz={s.rateHz ?? ''} title="Measured by the gateway over every message, the last 10 s (at most 1000 messages)">
      {rateLine(s)} · {bandwidthText(s.bytesPerSec)}{age !== undefined ? ` · ${ageText(age)} old` : ''}
      {s.dropped > 0 ? ` · ${s.dropped} updates skipped (slow connection)` : ''}
    </p>
  );
}

/**
 * The rate as the polls see it. When every poll brought a new message the topic may well be faster than the
 * UI reads it, so that is said ("≥"); the age says how fresh the newest message is either way.
 */
function rateText(rate: number, h: ItemHistory): string {
  return `${h.everyPollNew ? '≥ ' : ''}${rate.toFixed(1)}/s`;
}

/**
 * The table's value: a scalar as it is, a message as its first numeric fields (the full JSON is a click away). Each
 * part is kept whole (a line breaks between fields, never inside a name or a number).
 */
function formatValue(v: unknown): string[] {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null) return [String(v)];
  const fields = flattenMessage(v);
  if (fields.length === 0) {
    const s = JSON.stringify(v);
    return [s.length > 120 ? `${s.slice(0, 120)}…` : s];
  }
  const shown = fields.slice(0, 6).map((f) => `${f.key} ${Number.isInteger(f.value) ? f.value : f.value.toPrecision(4)}`);
  return fields.length > 6 ? [...shown, `… (${fields.length - 6} more)`] : shown;
}

function ValueParts({ parts }: { parts: string[] }) {
  return (
    <code class="value">
      {parts.map((p, i) => (
        <span key={i}>
          {i > 0 && ' · '}
          <span class="value-part">{p}</span>
        </span>
      ))}
    </code>
  );
}
