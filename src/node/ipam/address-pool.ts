// Pod addresses inside one subnet. Pure: a table ip -> holder, and functions that return the
// next table. Allocation is keyed by pod UID, so asking twice for the same pod (a retry after
// a lost answer, an agent restart) yields the same address: restarts keep addresses.
//
// Addresses: offset 0 is the network, offset 1 the gateway (NSX logical router port or the
// node bridge), the last one broadcast; pods get the lowest free of the rest, so in
// 172.25.5.0/24 the first pods are 172.25.5.2, .3, ... and a released address is reused first.
import { cidrContains, cidrIndexOf, cidrNth, cidrSize, err, formatIP, ok, parseCidr, parseIP, type Cidr, type Result } from '../../core/index.js';

export interface AddressHolder {
  readonly uid: string;
  /** "namespace/name", for people reading the record. */
  readonly pod: string;
  readonly node: string;
}

/** ip (dotted) -> holder. */
export type AddressTable = ReadonlyMap<string, AddressHolder>;

export interface SubnetInfo {
  readonly subnet: string;
  readonly gateway: string;
  readonly prefixLength: number;
}

function parseSubnet(subnet: string): Cidr {
  const c = parseCidr(subnet, { strict: true });
  if (!c.ok) throw new Error(`subnet: ${c.error}`);
  if (c.value.family === 4 && c.value.prefix > 30) throw new Error(`subnet ${subnet} is too small for pods`);
  return c.value;
}

/** The gateway is the subnet's first host address. */
export function subnetInfo(subnet: string): SubnetInfo {
  const c = parseSubnet(subnet);
  return { subnet, gateway: formatIP(cidrNth(c, 1)!), prefixLength: c.prefix };
}

/** Whether `ip` is an address a pod may hold in `subnet` (not network, gateway or broadcast). */
export function isPodAddress(subnet: string, ip: string): boolean {
  const c = parseSubnet(subnet);
  const a = parseIP(ip);
  if (!a.ok || !cidrContains(c, a.value)) return false;
  const i = cidrIndexOf(c, a.value)!;
  return i >= 2n && i <= cidrSize(c) - 2n;
}

export type AllocateError = { readonly kind: 'exhausted'; readonly message: string };

export interface Allocation {
  readonly ip: string;
  readonly table: AddressTable;
  /** False when the pod already held the address (nothing to write). */
  readonly changed: boolean;
}

/**
 * The pod's address: the one it holds, else `hint` when usable and free (re-adopting the
 * address a pod's status already shows), else the lowest free one.
 */
export function allocateAddress(subnet: string, table: AddressTable, holder: AddressHolder, hint?: string): Result<Allocation, AllocateError> {
  for (const [ip, h] of table) if (h.uid === holder.uid) return ok({ ip, table, changed: false });
  const c = parseSubnet(subnet);
  const take = (ip: string) => ok({ ip, table: new Map([...table, [ip, holder]]), changed: true });
  if (hint !== undefined && hint !== '' && isPodAddress(subnet, hint) && !table.has(hint)) return take(hint);
  const last = cidrSize(c) - 2n;
  for (let i = 2n; i <= last; i++) {
    const ip = formatIP(cidrNth(c, i)!);
    if (!table.has(ip)) return take(ip);
  }
  return err({ kind: 'exhausted', message: `no free address left in ${subnet} (${String(last - 1n)} in use)` });
}

/** Drops every address held by `uid`. */
export function releaseAddress(table: AddressTable, uid: string): { readonly table: AddressTable; readonly released: readonly string[] } {
  const released = [...table].filter(([, h]) => h.uid === uid).map(([ip]) => ip);
  if (released.length === 0) return { table, released };
  const next = new Map(table);
  for (const ip of released) next.delete(ip);
  return { table: next, released };
}

/** ConfigMap data: key = address, value = JSON holder. */
export function encodeTable(table: AddressTable): Record<string, string> {
  const out: Record<string, string> = {};
  const sorted = [...table].sort(([a], [b]) => compareAddresses(a, b));
  for (const [ip, h] of sorted) out[ip] = JSON.stringify({ uid: h.uid, pod: h.pod, node: h.node });
  return out;
}

/** Parses ConfigMap data written by encodeTable; keys that are not addresses are skipped. */
export function decodeTable(data: Readonly<Record<string, string>> | undefined): { readonly table: AddressTable; readonly problems: readonly string[] } {
  const table = new Map<string, AddressHolder>();
  const problems: string[] = [];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!parseIP(key).ok) continue;
    try {
      const v = JSON.parse(value) as Partial<AddressHolder>;
      if (typeof v.uid !== 'string' || v.uid === '') throw new Error('no uid');
      table.set(key, { uid: v.uid, pod: typeof v.pod === 'string' ? v.pod : '', node: typeof v.node === 'string' ? v.node : '' });
    } catch (e) {
      problems.push(`entry ${key}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { table, problems };
}

function compareAddresses(a: string, b: string): number {
  const x = parseIP(a);
  const y = parseIP(b);
  if (!x.ok || !y.ok || x.value.family !== y.value.family) return a < b ? -1 : a > b ? 1 : 0;
  return x.value.value < y.value.value ? -1 : x.value.value > y.value.value ? 1 : 0;
}
