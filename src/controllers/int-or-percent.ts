// intstr.GetScaledValueFromIntOrPercent: "25%" of 10 is 2.5, rounded up for maxSurge and
// down for maxUnavailable (deployment util ResolveFenceposts).
import type { IntOrString } from '../api/index.js';

export type Scaled = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: string };

export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): Scaled {
  if (v === undefined) return { ok: true, value: 0 };
  if (typeof v === 'number') return { ok: true, value: v };
  const m = /^(-?\d+)%$/.exec(v);
  if (m === null) {
    // A plain number in a string is an int for intstr's IntOrString only when parsed as such upstream; a
    // string without "%" is an error there ("invalid value for IntOrString: invalid type: string is not a percentage").
    return { ok: false, error: `invalid value for IntOrString: invalid type: string is not a percentage` };
  }
  const pct = Number(m[1]);
  const raw = (pct * total) / 100;
  return { ok: true, value: roundUp ? Math.ceil(raw) : Math.floor(raw) };
}
