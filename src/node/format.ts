// Wire formats the kubelet uses for times, durations and pod names. Pure helpers.

/** RFC 3339 with second precision ("2024-05-01T10:00:00Z"): metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds ("2024-05-01T10:00:00.123456Z"): metav1.MicroTime (Lease renewTime). */
export function microTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  return new Date(whole).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}

/** RFC 3339 with nanoseconds, as container log timestamps are printed. */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.floor((ms - whole) * 1e6);
  return new Date(whole).toISOString().replace(/Z$/, `${String(nanos).padStart(6, '0')}Z`);
}

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/**
 * Go's time.Duration.String() for a millisecond duration, because kubelet messages print
 * durations that way: 0 -> "0s", 1500 -> "1.5s", 80000 -> "1m20s", 300000 -> "5m0s",
 * 3723000 -> "1h2m3s", 12 -> "12ms".
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trimFraction(abs, 6)}ms`;
  const totalSeconds = abs / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds - h * 3600) / 60);
  const s = trimFraction(totalSeconds - h * 3600 - m * 60, 9) || '0';
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

export interface PodIdentity {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

/** kubelet's format.Pod: "name_namespace(uid)", used in back-off messages and events. */
export function podFullName(p: PodIdentity): string {
  return `${p.name}_${p.namespace}(${p.uid})`;
}
