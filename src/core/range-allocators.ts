// Address and port allocators built on BitmapAllocator: they translate between
// offsets and IPs / ports and keep Kubernetes' reservations.
import { BitmapAllocator, type Random } from './bitmap-allocator.js';
import { cidrIndexOf, cidrNth, cidrSize, formatCidr, type Cidr } from './cidr.js';
import { formatIP, parseIP, type IPAddress } from './ip.js';
import type { PortRange } from './port-range.js';
import { err, ok, type Result } from './result.js';

export type AllocateError =
  | { readonly reason: 'Full'; readonly message: string }
  | { readonly reason: 'NotInRange'; readonly message: string }
  | { readonly reason: 'AlreadyAllocated'; readonly message: string }
  | { readonly reason: 'Invalid'; readonly message: string };

export interface IPAllocatorOptions {
  /** Skip the network address (and, for IPv4, the broadcast address). Default true, as Kubernetes does for service ranges. */
  readonly reserveEnds?: boolean;
  /** Offsets [first, first+skipFirst) are never handed out by allocateNext (e.g. .1 gateway). */
  readonly skipFirst?: number;
  readonly random?: Random;
  /** Hard cap on the bitmap size for huge (IPv6) ranges. Default 2^20. */
  readonly maxSize?: number;
}

/** Allocates addresses from a CIDR. Offsets are relative to the CIDR base. */
export class IPAllocator {
  private readonly bitmap: BitmapAllocator;
  private readonly first: number;
  private readonly last: number; // inclusive offset

  constructor(
    readonly cidr: Cidr,
    opts: IPAllocatorOptions = {},
  ) {
    const max = BigInt(opts.maxSize ?? 1 << 20);
    const size = cidrSize(cidr) < max ? Number(cidrSize(cidr)) : Number(max);
    const reserve = opts.reserveEnds ?? true;
    this.first = (reserve && size > 2 ? 1 : 0) + (opts.skipFirst ?? 0);
    this.last = reserve && cidr.family === 4 && size > 2 ? size - 2 : size - 1;
    this.bitmap = new BitmapAllocator(size, opts.random ?? Math.random);
    // Pre-mark the reserved offsets so counting and random scan skip them.
    for (let i = 0; i < this.first && i < size; i++) this.bitmap.allocate(i);
    for (let i = this.last + 1; i < size; i++) this.bitmap.allocate(i);
  }

  /** Usable addresses (excluding reserved ones). */
  capacity(): number {
    return Math.max(0, this.last - this.first + 1);
  }

  used(): number {
    return this.bitmap.count() - (this.bitmap.size - this.capacity());
  }

  allocateNext(): Result<IPAddress, AllocateError> {
    const i = this.bitmap.allocateNext();
    if (i === undefined) return err({ reason: 'Full', message: `range is full (${formatCidr(this.cidr)})` });
    return ok(cidrNth(this.cidr, i)!);
  }

  /** Lowest free address (deterministic; pod IPAM uses it). */
  allocateLowest(): Result<IPAddress, AllocateError> {
    const i = this.bitmap.allocateLowest(this.first);
    if (i === undefined) return err({ reason: 'Full', message: `range is full (${formatCidr(this.cidr)})` });
    return ok(cidrNth(this.cidr, i)!);
  }

  allocate(ip: string | IPAddress): Result<IPAddress, AllocateError> {
    const a = typeof ip === 'string' ? parseIP(ip) : ok(ip);
    if (!a.ok) return err({ reason: 'Invalid', message: a.error });
    const idx = this.offset(a.value);
    if (idx === undefined) return err({ reason: 'NotInRange', message: `provided IP is not in the valid range. The range of valid IPs is ${formatCidr(this.cidr)}` });
    if (!this.bitmap.allocate(idx)) return err({ reason: 'AlreadyAllocated', message: `provided IP is already allocated` });
    return ok(a.value);
  }

  release(ip: string | IPAddress): boolean {
    const a = typeof ip === 'string' ? parseIP(ip) : ok(ip);
    if (!a.ok) return false;
    const idx = this.offset(a.value);
    return idx !== undefined && this.bitmap.release(idx);
  }

  has(ip: string | IPAddress): boolean {
    const a = typeof ip === 'string' ? parseIP(ip) : ok(ip);
    if (!a.ok) return false;
    const idx = this.offset(a.value);
    return idx !== undefined && this.bitmap.has(idx);
  }

  contains(ip: string | IPAddress): boolean {
    const a = typeof ip === 'string' ? parseIP(ip) : ok(ip);
    return a.ok && this.offset(a.value) !== undefined;
  }

  *allocatedAddresses(): Generator<string> {
    for (const i of this.bitmap.allocated()) {
      if (i >= this.first && i <= this.last) yield formatIP(cidrNth(this.cidr, i)!);
    }
  }

  private offset(a: IPAddress): number | undefined {
    const i = cidrIndexOf(this.cidr, a);
    if (i === undefined) return undefined;
    const n = Number(i);
    return n >= this.first && n <= this.last ? n : undefined;
  }
}

/** Allocates ports from an inclusive range (NodePorts). */
export class PortAllocator {
  private readonly bitmap: BitmapAllocator;

  constructor(
    readonly range: PortRange,
    random: Random = Math.random,
  ) {
    this.bitmap = new BitmapAllocator(range.max - range.min + 1, random);
  }

  allocateNext(): Result<number, AllocateError> {
    const i = this.bitmap.allocateNext();
    if (i === undefined) return err({ reason: 'Full', message: `range is full (${this.range.min}-${this.range.max})` });
    return ok(this.range.min + i);
  }

  allocate(port: number): Result<number, AllocateError> {
    if (!Number.isInteger(port) || port < this.range.min || port > this.range.max) {
      return err({ reason: 'NotInRange', message: `provided port is not in the valid range. The range of valid ports is ${this.range.min}-${this.range.max}` });
    }
    if (!this.bitmap.allocate(port - this.range.min)) return err({ reason: 'AlreadyAllocated', message: 'provided port is already allocated' });
    return ok(port);
  }

  release(port: number): boolean {
    return this.bitmap.release(port - this.range.min);
  }

  has(port: number): boolean {
    return this.bitmap.has(port - this.range.min);
  }

  used(): number {
    return this.bitmap.count();
  }
}
