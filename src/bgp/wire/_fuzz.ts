// Seeded message mutator for the fuzz tests: valid seed messages of every type, damaged in
// ways that reach every parser branch (header-level damage, body damage with a repaired
// length field, truncation, extension, random bodies under a valid header).
import { AS_PATH_65001_4, COMMUNITY_65000_100, FRR_STYLE_OPEN, GOBGP_OPEN, hex, MARKER, MED_100, msg, NEXT_HOP_192_0_2_10, NLRI_10_8, NLRI_VIP, ORIGIN_IGP, update } from './_fixtures.js';

/** mulberry32: small, fast, good enough for fuzzing, reproducible from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEEDS: readonly Uint8Array[] = [
  GOBGP_OPEN,
  FRR_STYLE_OPEN,
  hex(MARKER + '0013 04'),
  hex(MARKER + '0017 05 0001 00 01'),
  hex(MARKER + '0015 03 04 00'),
  hex(MARKER + '0019 03 06 02 03 627965'),
  hex(MARKER + '0017 02 0000 0000'),
  update('', ORIGIN_IGP + '40 02 06 02 01 0000fc00' + NEXT_HOP_192_0_2_10 + MED_100 + COMMUNITY_65000_100, NLRI_VIP + NLRI_10_8),
  update(NLRI_VIP + NLRI_10_8, '', ''),
  update('', ORIGIN_IGP + '40 02 0e 02 01 0000fc00 01 02 0000fde9 0000fdea' + NEXT_HOP_192_0_2_10 + '40 05 04 00000064 40 06 00 c0 07 08 0000fc00 0a000001 e0 63 02 abcd', '18 0a be 07 00'),
  update('', ORIGIN_IGP + '40 02 04 02 01 fc00' + NEXT_HOP_192_0_2_10 + 'c0 11 06 02 01 0000fc00', NLRI_VIP),
  update('', ORIGIN_IGP + AS_PATH_65001_4 + NEXT_HOP_192_0_2_10, NLRI_VIP),
  msg(1, '04 fc00 005a c0000201 ff ff 0009 02 0006 4104 0000fc00'),
];

function fixLength(b: Uint8Array): Uint8Array {
  if (b.length >= 18) {
    b[16] = (b.length >>> 8) & 0xff;
    b[17] = b.length & 0xff;
  }
  return b;
}

export function mutate(rand: () => number, seeds: readonly Uint8Array[] = SEEDS): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  const seed = seeds[int(seeds.length)] ?? SEEDS[0] ?? new Uint8Array(19);
  let b: Uint8Array = seed.slice();
  switch (int(8)) {
    case 0: {
      // anywhere, header included
      const n = 1 + int(4);
      for (let i = 0; i < n; i++) b[int(b.length)] = int(256);
      return b;
    }
    case 1:
    case 2: {
      // body only, header kept valid: reaches the message parsers
      if (b.length <= 19) return b;
      const n = 1 + int(3);
      for (let i = 0; i < n; i++) b[19 + int(b.length - 19)] = int(256);
      return b;
    }
    case 3: {
      // a 16-bit field somewhere in the body (lengths, AS numbers)
      if (b.length < 21) return b;
      const at = 19 + int(b.length - 20);
      b[at] = int(4) === 0 ? 0xff : int(8);
      b[at + 1] = int(256);
      return b;
    }
    case 4:
      // truncate, length repaired
      return fixLength(b.slice(0, 19 + int(Math.max(1, b.length - 19))));
    case 5: {
      // extend with random octets, length repaired
      const extra = new Uint8Array(1 + int(40)).map(() => int(256));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return fixLength(out);
    }
    case 6: {
      // random body under a valid header of a random (mostly known) type
      const body = new Uint8Array(int(60)).map(() => (int(3) === 0 ? int(4) : int(256)));
      const out = new Uint8Array(19 + body.length);
      out.fill(0xff, 0, 16);
      out[18] = int(7);
      out.set(body, 19);
      return fixLength(out);
    }
    default: {
      // insert one random octet in the body, length repaired
      const at = 19 + int(Math.max(1, b.length - 18));
      const out = new Uint8Array(b.length + 1);
      out.set(b.subarray(0, at));
      out[at] = int(256);
      out.set(b.subarray(at), at + 1);
      b = fixLength(out);
      return b;
    }
  }
}

/** (code, subcode) pairs a parser may produce. */
export const PARSER_ERRORS: Readonly<Record<number, readonly number[]>> = {
  1: [1, 2, 3],
  2: [0, 1, 2, 3, 4, 6],
  3: [1, 2, 3, 4, 5, 6, 8, 9, 10, 11],
  7: [1],
};
