// Seeded pseudo-random numbers for fault injection: the same seed gives the same drops,
// so loss tests are deterministic. mulberry32: 32-bit state, good enough statistics for
// "drop with probability p", not for anything cryptographic.

export type Rng = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: stable seeds and ids derived from names. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A UUID-shaped string derived from a name (version nibble 4), stable across runs. */
export function uuidFromName(name: string): string {
  const rng = seededRng(hashString(name));
  const hex: string[] = [];
  for (let i = 0; i < 16; i++) hex.push(Math.floor(rng() * 256).toString(16).padStart(2, '0'));
  hex[6] = `4${hex[6]!.slice(1)}`;
  hex[8] = ((parseInt(hex[8]!, 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
