// Times as the UI shows them: local time of day, with the date in front when it is not today (a fault read the
// next morning must not pass for one of this afternoon). `today` is a parameter so tests can fix it.

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

/** A fault's or robot's time to the second (tables, tooltips). */
export function formatTime(ms: number | undefined, today = new Date()): string {
  if (ms === undefined) return '—';
  const d = new Date(ms);
  return sameDay(d, today) ? d.toLocaleTimeString() : d.toLocaleString();
}

/** Time of day with milliseconds, for read-outs and log lines. */
export function clockTime(sec: number, today = new Date()): string {
  const d = new Date(sec * 1000);
  const time = `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return sameDay(d, today) ? time : `${d.toLocaleDateString()} ${time}`;
}
