// The pod-template-hash label value: FNV-32a over a canonical encoding of the pod template,
// then the collision count, printed in decimal and mapped through SafeEncodeString's
// alphabet (k8s.io/apimachinery/pkg/util/rand). Upstream hashes Go's spew dump of the
// PodTemplateSpec struct; we hash canonical JSON (keys sorted, nulls dropped), so the
// value has upstream's shape ("5bfcc97b5") but not upstream's digits for the same
// template. Nothing depends on matching: the hash only has to be stable for a template.
//
// Worked example: FNV-32a("{}") = 0x5465b825 = 1415952421; digit '0' maps to '4', '1' to '5',
// ..., '5' to '9', '6' to 'b', ..., '9' to 'f', so the encoding is "5859f96865".
import type { PodTemplateSpec } from '../../api/index.js';
import { canonicalJson } from '../canonical-json.js';

export { canonicalJson };

export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each byte -> alphabet[byte % 27] (no vowels, no look-alikes). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

export function computeHash(template: PodTemplateSpec, collisionCount: number | undefined): string {
  let h = fnv32a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined) {
    // Upstream writes an 8-byte buffer holding the little-endian uint32 (the upper half stays zero).
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
