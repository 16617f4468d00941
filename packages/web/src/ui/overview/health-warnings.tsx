// /health's warnings on the overview: a degraded gateway says so first (it cannot do part of its job), then each
// warning — those that degrade marked and listed first — with what it names: the stuck topic, the unanswered
// service, the node (docs/ui.md "Overview").
import type { HealthView } from '../../model/health';

export function HealthWarnings({ health }: { health: HealthView }) {
  if (!health.degraded && health.warnings.length === 0) return null;
  const degrading = health.warnings.filter((w) => w.degrades).map((w) => w.code);
  return (
    <div data-testid="health-warnings">
      <h2>Warnings</h2>
      {health.degraded && (
        <p class="note health-degraded" role="alert" data-testid="health-degraded">
          <strong>The gateway is degraded</strong>: it cannot do part of its job
          {degrading.length > 0 ? (
            <>
              {' '}({degrading.map((c, i) => (
                <span key={c}>
                  {i > 0 && ', '}
                  <code>{c}</code>
                </span>
              ))})
            </>
          ) : null}
          . <code>/health</code> says <code>degraded</code>.
        </p>
      )}
      <ul class="hints">
        {health.warnings.map((w, i) => (
          <li key={i} data-testid="health-warning" data-code={w.code} data-degrades={w.degrades ? 'true' : 'false'}>
            {w.degrades && <strong class="degrades">degrades: </strong>}
            <code>{w.code}</code> {w.message}
            {w.subjects.length > 0 && (
              <ul class="small warning-subjects">
                {w.subjects.map((s, j) => (
                  <li key={j} data-kind={s.kind} data-name={s.name}>
                    {s.kind} <code>{s.name}</code>
                    {s.detail && <span class="muted"> ({s.detail})</span>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
