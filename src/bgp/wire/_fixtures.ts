// Byte fixtures for tests, written out from the RFC layouts (and one captured from gobgpd
// 3.10), plus small builders for malformed variants.
export function hex(s: string): Uint8Array {
  const clean = s.replace(/[\s|:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex fixture: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

export const MARKER = 'ffffffffffffffffffffffffffffffff';

/** Wraps a body in a header with the right length. */
export function msg(type: number, bodyHex: string): Uint8Array {
  const body = hex(bodyHex);
  const len = 19 + body.length;
  return hex(MARKER + len.toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0') + toHex(body));
}

/** UPDATE from its three parts (hex), lengths computed. */
export function update(withdrawnHex: string, attrsHex: string, nlriHex: string): Uint8Array {
  const w = hex(withdrawnHex);
  const a = hex(attrsHex);
  const l16 = (n: number) => n.toString(16).padStart(4, '0');
  return msg(2, l16(w.length) + toHex(w) + l16(a.length) + toHex(a) + nlriHex);
}

/** gobgpd 3.10 OPEN as captured on 127.0.0.1: AS 64512, hold 90, id 192.0.2.1, caps 2, 73, 1, 65, 5. */
export const GOBGP_OPEN = hex(
  MARKER + '003b 01 04 fc00 005a c0000201 1e 02 1c 0200 4904 02766d00 0104 00010001 4104 0000fc00 0506 000100010002',
);

/**
 * An OPEN in FRR's layout (one optional parameter per capability), written from RFC 5492
 * and FRR's documented capability set: AS 65010, hold 180, id 10.0.0.1; caps MP IPv4
 * unicast (1), route refresh Cisco (128) and standard (2), enhanced route refresh (70),
 * 4-octet AS (65), add-path (69), FQDN "frr" (73), graceful restart (64), LLGR (71).
 */
export const FRR_STYLE_OPEN = hex(
  MARKER +
    '0054 01 04 fdf2 00b4 0a000001 37' +
    '0206 0104 00010001' +
    '0202 8000' +
    '0202 0200' +
    '0202 4600' +
    '0206 4104 0000fdf2' +
    '0206 4504 00010101' +
    '0207 4905 03667272 00' +
    '0204 4002 0078' +
    '0202 4700',
);

export const ORIGIN_IGP = '40 01 01 00';
export const AS_PATH_65001_4 = '40 02 06 02 01 0000fde9';
export const AS_PATH_65001_2 = '40 02 04 02 01 fde9';
export const NEXT_HOP_192_0_2_10 = '40 03 04 c000020a';
export const MED_100 = '80 04 04 00000064';
export const COMMUNITY_65000_100 = 'c0 08 04 fde80064';
export const NLRI_VIP = '20 0a be 06 66';
export const NLRI_10_8 = '08 0a';
