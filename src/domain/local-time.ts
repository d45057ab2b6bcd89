/** Times as Kolmisoft's API shows them: in the time zone of the `tally serve` process (its TZ). */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` in the process's time zone. */
export function localDateTime(iso: string): string {
  const t = new Date(iso);
  return `${pad(t.getFullYear(), 4)}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** Unix seconds of today's 00:00:00 and 23:59:59 in the process's time zone. */
export function todayBounds(nowMs: number): { from: number; till: number } {
  const now = new Date(nowMs);
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, 0, 0);
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 23, 59, 59);
  return { from: Math.floor(start.getTime() / 1000), till: Math.floor(end.getTime() / 1000) };
}
