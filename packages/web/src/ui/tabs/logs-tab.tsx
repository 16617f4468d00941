// Live log tail (docs/resources.md): polls every 2 s with the chosen minimum severity, merges new
// entries, and follows the bottom unless the user scrolled up or paused.
import { useEffect, useRef, useState } from 'preact/hooks';
import { logTime, mergeLogs, normalizeLogList, type LogView } from '../../model/logs';
import { LOG_LEVELS, logAtLeast, type LogLevel } from '../../model/severity';
import { entityPath, SEGMENT, type EntityKey } from '../../model/entities';
import { useApp } from '../context';
import { usePoll } from '../hooks';
import { ErrorNote } from '../errors';

export function LogsTab({ entity }: { entity: EntityKey }) {
  const path = entityPath(entity);
  const { client } = useApp();
  const [min, setMin] = useState<LogLevel>('debug');
  const [paused, setPaused] = useState(false);
  const [text, setText] = useState('');
  const [logs, setLogs] = useState<LogView[]>([]);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  const poll = usePoll(
    async (signal) => {
      const body = await client.entityGet(SEGMENT[entity.type], entity.id, '/logs', { signal, query: { severity: min === 'debug' ? undefined : min } });
      setLogs((prev) => mergeLogs(prev, normalizeLogList(body)));
      return true;
    },
    [client, path, min],
    2000,
    !paused,
  );

  useEffect(() => setLogs([]), [path, min]);
  useEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [logs]);

  const q = text.trim().toLowerCase();
  const shown = logs.filter((l) => logAtLeast(l.level, min) && (!q || l.message.toLowerCase().includes(q) || (l.node ?? '').toLowerCase().includes(q)));

  return (
    <div class="stack">
      <div class="filters">
        <label for="log-severity">Minimum severity</label>
        <select id="log-severity" value={min} onChange={(e) => setMin((e.target as HTMLSelectElement).value as LogLevel)}>
          {LOG_LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <label for="log-text">Search</label>
        <input id="log-text" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span class="muted small" aria-live="polite">
          {paused ? 'paused' : 'live'} · {shown.length} lines
        </span>
      </div>
      {poll.error && <ErrorNote error={poll.error} what="Logs" />}
      <div
        ref={box}
        class="log-box"
        role="log"
        aria-label="Log lines"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.length === 0 && !poll.error && <p class="muted">{poll.loading ? 'Loading…' : 'No log lines.'}</p>}
        {shown.map((l) => (
          <div key={l.id} class={`log-line log-${l.level ?? 'unknown'}`} data-log-id={l.id}>
            <span class="log-time">{logTime(l)}</span>
            <span class={`log-level lvl-${l.level ?? 'unknown'}`}>{(l.level ?? '?').toUpperCase()}</span>
            {l.node && <span class="log-node">[{l.node}]</span>}
            <span class="log-msg">{l.message}</span>
            {l.where && <span class="log-where">{l.where}</span>}
          </div>
        ))}
      </div>
    </div>
  );
}
