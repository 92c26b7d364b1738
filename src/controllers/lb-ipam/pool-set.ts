// Pools compiled for allocation: ranges as uint32s, parsed selectors, usable-address tests.
// The same parser the API server validates with (api/validation parsePoolRange), so a pool
// the server accepted always compiles; a pool that somehow does not is reported, not used.
import { fromLabelSelector, matchesLabels, parsePoolRange, type LoadBalancerIPPoolSpec, type ParsedLabelSelector, type PoolRange } from '../../api/index.js';
import { err, ok, type Result } from '../../core/index.js';

export interface CompiledPool {
  readonly name: string;
  readonly priority: number;
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  /** Sorted by start; never overlapping (validation forbids it). */
  readonly ranges: readonly PoolRange[];
  /** undefined = every Service / every namespace. */
  readonly serviceSelector: ParsedLabelSelector | undefined;
  readonly namespaceSelector: ParsedLabelSelector | undefined;
  /** Usable addresses (after avoidBuggyIPs). */
  readonly size: number;
}

/** Count of x in [s, e] with x mod 256 === r. */
function countResidue(s: number, e: number, r: number): number {
  return Math.floor((e - r) / 256) - Math.floor((s - 1 - r) / 256);
}

export function isBuggy(ip: number): boolean {
  const last = ip % 256;
  return last === 0 || last === 255;
}

export function compilePool(name: string, spec: LoadBalancerIPPoolSpec): Result<CompiledPool> {
  const ranges: PoolRange[] = [];
  for (const text of spec.cidrs ?? []) {
    const r = parsePoolRange(text);
    if (!r.ok) return err(`pool ${name}: ${JSON.stringify(text)}: ${r.detail}`);
    ranges.push(r.range);
  }
  if (ranges.length === 0) return err(`pool ${name}: no CIDRs`);
  ranges.sort((a, b) => a.start - b.start);
  const avoidBuggyIPs = spec.avoidBuggyIPs === true;
  let size = 0;
  for (const r of ranges) size += r.end - r.start + 1 - (avoidBuggyIPs ? countResidue(r.start, r.end, 0) + countResidue(r.start, r.end, 255) : 0);
  const sel = (s: LoadBalancerIPPoolSpec['serviceSelector'], what: string): Result<ParsedLabelSelector | undefined> => {
    if (s === undefined) return ok(undefined);
    const p = fromLabelSelector(s);
    return p.ok ? ok(p.value) : err(`pool ${name}: bad ${what}`);
  };
  const svcSel = sel(spec.serviceSelector, 'serviceSelector');
  if (!svcSel.ok) return svcSel;
  const nsSel = sel(spec.namespaceSelector, 'namespaceSelector');
  if (!nsSel.ok) return nsSel;
  return ok({
    name,
    priority: spec.priority ?? 0,
    autoAssign: spec.autoAssign ?? true,
    avoidBuggyIPs,
    ranges,
    serviceSelector: svcSel.value,
    namespaceSelector: nsSel.value,
    size,
  });
}

/** Deterministic pool order: ascending priority, then name (code-unit order). */
export function comparePools(a: CompiledPool, b: CompiledPool): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether `ip` is an address this pool may hand out. */
export function poolUsable(p: CompiledPool, ip: number): boolean {
  if (p.avoidBuggyIPs && isBuggy(ip)) return false;
  return p.ranges.some((r) => ip >= r.start && ip <= r.end);
}

export interface SelectorInput {
  readonly labels: Readonly<Record<string, string>>;
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

export function poolAdmits(p: CompiledPool, s: SelectorInput): boolean {
  if (p.serviceSelector !== undefined && !matchesLabels(p.serviceSelector, s.labels)) return false;
  if (p.namespaceSelector !== undefined && !matchesLabels(p.namespaceSelector, s.namespaceLabels)) return false;
  return true;
}
