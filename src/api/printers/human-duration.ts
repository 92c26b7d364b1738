// k8s.io/apimachinery/pkg/util/duration HumanDuration: ~2-3 significant figures, the AGE
// format every kubectl table shows. Worked boundaries (from upstream's own tests):
//   1s, 119s | 2m, 2m1s, 9m59s | 10m ... 179m | 3h, 3h1m, 7h59m | 8h ... 47h |
//   2d, 2d1h, 7d23h | 8d ... 729d | 2y, 2y1d, 7y364d | 8y, 9y
// Negative durations up to -1.999s print "0s" (clock skew tolerance); beyond that "<invalid>".

/** Formats a duration given in milliseconds. Go truncates toward zero at every step; so do we. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

// metav1.Time's zero value serializes as null/absent, but a Go client can send the literal
// zero time; IsZero() is true for both.
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/** Milliseconds since the epoch, or undefined for an absent, zero or unparseable timestamp. */
export function parseTimestamp(ts: string | null | undefined): number | undefined {
  if (ts === null || ts === undefined || ts === '') return undefined;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME_MS) return undefined;
  return ms;
}

/** printers.go translateTimestampSince: "<unknown>" for a zero timestamp, else the age at `nowMs`. */
export function translateTimestampSince(ts: string | null | undefined, nowMs: number): string {
  const t = parseTimestamp(ts);
  return t === undefined ? '<unknown>' : humanDuration(nowMs - t);
}
