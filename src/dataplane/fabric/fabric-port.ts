// A port of a fabric element (bridge, logical switch, router, VLAN trunk). It is a
// NetDevice, so anything can be linked to it, and it also understands FrameMeta — the
// hop count and trace context the scheduler carries with a frame — so a frame keeps
// its lineage while it crosses the fabric. Endpoint devices (pod stacks, node stacks)
// only see plain frames: their transmissions start a new lineage.
import type { FrameTx, NetDevice } from '../netdev.js';
import type { TraceCtx } from './trace.js';

export interface FrameMeta {
  /** Links crossed so far by this frame's lineage (the loop guard). */
  readonly hops: number;
  readonly trace?: TraceCtx | undefined;
}

export const ROOT_META: FrameMeta = { hops: 0 };

export type MetaTx = (frame: Uint8Array, meta: FrameMeta | undefined) => void;

/** A NetDevice that also passes FrameMeta along (fabric elements). */
export interface MetaDevice extends NetDevice {
  attachMeta(tx: MetaTx): void;
  receiveMeta(frame: Uint8Array, meta: FrameMeta): void;
}

export function isMetaDevice(d: NetDevice): d is MetaDevice {
  return typeof (d as Partial<MetaDevice>).attachMeta === 'function' && typeof (d as Partial<MetaDevice>).receiveMeta === 'function';
}

export type PortRx = (frame: Uint8Array, meta: FrameMeta) => void;

export class FabricPort implements MetaDevice {
  private tx: MetaTx | undefined;

  /**
   * @param name port name, unique within its owner
   * @param owner the element's name, for traces ("k8s-node1/br-int")
   */
  constructor(
    readonly name: string,
    readonly mac: number,
    readonly owner: string,
    private readonly rx: PortRx,
  ) {}

  get label(): string {
    return `${this.owner}:${this.name}`;
  }

  get connected(): boolean {
    return this.tx !== undefined;
  }

  attach(tx: FrameTx): void {
    this.tx = (f) => tx(f);
  }

  attachMeta(tx: MetaTx): void {
    this.tx = tx;
  }

  /** Forget the link (the element stops transmitting on this port). */
  detach(): void {
    this.tx = undefined;
  }

  receive(frame: Uint8Array): void {
    this.rx(frame, ROOT_META);
  }

  receiveMeta(frame: Uint8Array, meta: FrameMeta): void {
    this.rx(frame, meta);
  }

  /** Transmits; false when nothing is linked to this port (the frame is lost). */
  send(frame: Uint8Array, meta: FrameMeta | undefined): boolean {
    const tx = this.tx;
    if (tx === undefined) return false;
    tx(frame, meta);
    return true;
  }
}
