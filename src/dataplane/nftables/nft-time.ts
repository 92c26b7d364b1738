// nft time values: "10800s", "3h", "1m40s", "1d2h", "500ms"; a bare number is seconds.
// nft prints them as the largest units first without zero parts ("3h", "1m39s984ms").

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Milliseconds, or undefined when `s` is not a time. */
export function parseNftTime(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+)(ms|d|h|m|s)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNITS.find(([u]) => u === m![2])!;
    total += Number(m[1]) * unit[1];
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? total : undefined;
}

export function formatNftTime(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  if (rest === 0) return '0s';
  let out = '';
  for (const [u, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}
