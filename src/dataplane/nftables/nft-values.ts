// Raw words -> typed key parts and elements, given the data types of the set (or of the
// expression a literal is compared with). Prefixes are masked, ranges are "lo-hi".
import { err, ok, type Result } from '../../core/result.js';
import type { NftElement, NftKeyPart, NftMapData, NftSet, NftSetDecl } from './nft-ast.js';
import type { RawElement, RawValue } from './nft-commands.js';
import { DATATYPES, prefixMask, type NftDatatype, type NftTypeName } from './nft-datatypes.js';
import { NftElementStore } from './nft-element-store.js';

export function cookPart(raw: RawValue, type: NftTypeName): Result<NftKeyPart> {
  const dt = DATATYPES[type];
  const text = raw.text;
  if (raw.quoted) return dt.name === 'ifname' ? ok({ k: 'v', v: text }) : cookPart({ text, quoted: false }, type);
  if (dt.address && text.includes('/')) {
    const [a, l] = text.split('/');
    const addr = dt.parse(a ?? '');
    const len = Number(l);
    if (typeof addr !== 'number' || !/^\d+$/.test(l ?? '') || len > dt.bits) return err(`"${text}" is not a valid ${type} prefix`);
    if (len === 32) return ok({ k: 'v', v: addr });
    return ok({ k: 'prefix', addr: (addr & prefixMask(len)) >>> 0, len });
  }
  const v = dt.parse(text);
  if (v !== undefined) return ok({ k: 'v', v });
  const range = parseRange(text, dt);
  if (range !== undefined) return ok(range);
  return err(`"${text}" is not a valid ${type}`);
}

function parseRange(text: string, dt: NftDatatype): NftKeyPart | undefined {
  for (let i = text.indexOf('-'); i > 0; i = text.indexOf('-', i + 1)) {
    const lo = dt.parse(text.slice(0, i));
    const hi = dt.parse(text.slice(i + 1));
    if (typeof lo === 'number' && typeof hi === 'number' && lo <= hi) return { k: 'range', lo, hi };
  }
  return undefined;
}

/**
 * Time values for an element, relative to `now` when the set has timeouts. `keyOnly`
 * (delete element) needs no map data and ignores any.
 */
export function cookElement(raw: RawElement, set: NftSetDecl, now: number, keyOnly = false): Result<NftElement> {
  if (raw.key.length !== set.keyTypes.length) return err(`element has ${raw.key.length} key fields, set ${set.name} has ${set.keyTypes.length}`);
  const key: NftKeyPart[] = [];
  for (let i = 0; i < raw.key.length; i++) {
    const p = cookPart(raw.key[i]!, set.keyTypes[i]!);
    if (!p.ok) return p;
    if (p.value.k !== 'v' && !set.flags.includes('interval') && set.name !== '') return err(`set ${set.name} needs "flags interval" for ${raw.key[i]!.text}`);
    key.push(p.value);
  }
  if (keyOnly) return ok({ key });
  let data: NftMapData | undefined;
  if (set.kind === 'map') {
    if (raw.data === undefined) return err(`map ${set.name || '(anonymous)'} element needs data`);
    if (set.dataTypes?.[0] === 'verdict') {
      if (raw.data.k !== 'verdict') return err(`map ${set.name || '(anonymous)'} needs a verdict`);
      data = raw.data;
    } else {
      if (raw.data.k !== 'values') return err(`map ${set.name} data must be values`);
      const parts: NftKeyPart[] = [];
      const types = set.dataTypes ?? [];
      if (raw.data.v.length !== types.length) return err(`map ${set.name} data has ${raw.data.v.length} fields, expected ${types.length}`);
      for (let i = 0; i < types.length; i++) {
        const p = cookPart(raw.data.v[i]!, types[i]!);
        if (!p.ok) return p;
        parts.push(p.value);
      }
      data = { k: 'values', v: parts };
    }
  } else if (raw.data !== undefined) return err(`set ${set.name} elements take no data`);
  const hasTimeout = set.flags.includes('timeout');
  if ((raw.timeoutMs !== undefined || raw.expiresMs !== undefined) && !hasTimeout) return err(`set ${set.name} has no "flags timeout"`);
  const el: NftElement = {
    key,
    ...(data !== undefined ? { data } : {}),
    ...(raw.comment !== undefined ? { comment: raw.comment } : {}),
  };
  if (hasTimeout) {
    const life = raw.expiresMs ?? raw.timeoutMs ?? set.timeoutMs;
    if (raw.timeoutMs !== undefined) el.timeoutMs = raw.timeoutMs;
    if (life !== undefined) el.expiresAt = now + life;
  }
  return ok(el);
}

export function makeSet(decl: NftSetDecl, anonymous: boolean): NftSet {
  return { ...decl, elements: new NftElementStore(decl.keyTypes.length), anonymous, handle: 0, useCount: 0 };
}
