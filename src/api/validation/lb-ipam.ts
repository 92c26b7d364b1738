// Validation of svcnet.io/v1alpha1 LoadBalancerIPPool, and the range parser the lb-ipam
// controller shares with it (so what the server accepts is exactly what the allocator can use).
// IPv4 only for now: IPv6 blocks are rejected with a field cause rather than silently ignored.
import { parseCidr, parseIPv4 } from '../../core/index.js';
import type { LoadBalancerIPPool } from '../types/index.js';
import { invalid, required, type FieldError } from './field-error.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { fieldPath } from './path.js';

/** An inclusive IPv4 range as uint32s. */
export interface PoolRange {
  readonly start: number;
  readonly end: number;
}

export type PoolRangeParse = { readonly ok: true; readonly range: PoolRange } | { readonly ok: false; readonly detail: string };

const SHAPE = 'must be an IPv4 CIDR ("10.190.6.0/24") or an inclusive range ("10.190.6.10-10.190.6.20")';

/** "a.b.c.d/n" (host bits masked, as net.ParseCIDR) or "a.b.c.d-a.b.c.e". */
export function parsePoolRange(text: string): PoolRangeParse {
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const a = parseIPv4(text.slice(0, dash).trim());
    const b = parseIPv4(text.slice(dash + 1).trim());
    if (!a.ok || !b.ok) return { ok: false, detail: SHAPE };
    if (a.value > b.value) return { ok: false, detail: 'range start must not be greater than its end' };
    return { ok: true, range: { start: a.value, end: b.value } };
  }
  const c = parseCidr(text);
  if (!c.ok) return { ok: false, detail: SHAPE };
  if (c.value.family !== 4) return { ok: false, detail: 'IPv6 pools are not supported yet' };
  const size = 2 ** (32 - c.value.prefix);
  return { ok: true, range: { start: c.value.base, end: c.value.base + size - 1 } };
}

export function rangesOverlap(a: PoolRange, b: PoolRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function validateLoadBalancerIPPool(pool: LoadBalancerIPPool): FieldError[] {
  const errs = validateObjectMeta(pool.metadata, { requiresNamespace: false, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  const spec = pool.spec ?? {};
  const cidrsPath = fieldPath('spec', 'cidrs');
  const cidrs = spec.cidrs ?? [];
  if (cidrs.length === 0) errs.push(required(cidrsPath, 'at least one CIDR or range is required'));
  const seen: { readonly i: number; readonly text: string; readonly range: PoolRange }[] = [];
  cidrs.forEach((text, i) => {
    const p = cidrsPath.index(i);
    const r = parsePoolRange(text);
    if (!r.ok) {
      errs.push(invalid(p, text, r.detail));
      return;
    }
    const other = seen.find((s) => rangesOverlap(s.range, r.range));
    if (other !== undefined) errs.push(invalid(p, text, `overlaps spec.cidrs[${other.i}] (${JSON.stringify(other.text)})`));
    seen.push({ i, text, range: r.range });
  });
  const prio = spec.priority;
  if (prio !== undefined && (!Number.isInteger(prio) || prio < 0)) errs.push(invalid(fieldPath('spec', 'priority'), prio, 'must be a non-negative integer'));
  errs.push(...validateLabelSelector(spec.serviceSelector, fieldPath('spec', 'serviceSelector')));
  errs.push(...validateLabelSelector(spec.namespaceSelector, fieldPath('spec', 'namespaceSelector')));
  return errs;
}

export function validateLoadBalancerIPPoolUpdate(pool: LoadBalancerIPPool, old: LoadBalancerIPPool, subresource?: string): FieldError[] {
  const errs = validateObjectMetaUpdate(pool.metadata, old.metadata, fieldPath('metadata'));
  // The status subresource cannot change the spec, so only metadata is checked there.
  if (subresource === 'status') return errs;
  errs.push(...validateLoadBalancerIPPool(pool).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}
