// The hypervisor side of a node's pod uplink (the N-VDS port behind `ens192`): the
// node's br-int sends every pod's traffic over one trunk, each pod in the node-local VLAN
// its access port carries. Frames tagged N on the trunk belong to the logical port mapped
// to N and enter its switch untagged; frames the switch sends to that port are tagged N on
// the way back. VLAN numbers mean nothing beyond the node.
import { FabricPort, type FrameMeta } from './fabric-port.js';
import { setVlanBytes, vlanOf } from './vlan-bytes.js';

interface Mapping {
  readonly vid: number;
  readonly segment: string;
  readonly port: FabricPort;
}

export interface VlanTrunkStats {
  readonly toSegments: number;
  readonly toTrunk: number;
  readonly unmapped: number;
}

export class VlanTrunk {
  /** Link this to the bridge's uplink port (ens192). */
  readonly trunk: FabricPort;
  private readonly byVid = new Map<number, Mapping>();
  private readonly bySegment = new Map<string, Mapping>();
  private counters = { toSegments: 0, toTrunk: 0, unmapped: 0 };

  constructor(readonly name: string) {
    this.trunk = new FabricPort('trunk', 0, name, (f, m) => this.fromTrunk(f, m));
  }

  /** Maps a VLAN to a segment; link the returned port to that segment's switch port. */
  map(vid: number, segment: string): FabricPort {
    if (vid < 1 || vid > 4094 || !Number.isInteger(vid)) throw new Error(`VLAN ${vid} out of range 1..4094`);
    if (this.byVid.has(vid)) throw new Error(`${this.name}: VLAN ${vid} is already mapped to ${this.byVid.get(vid)?.segment}`);
    if (this.bySegment.has(segment)) throw new Error(`${this.name}: ${segment} is already on VLAN ${this.bySegment.get(segment)?.vid}`);
    const port = new FabricPort(`vlan-${vid}`, 0, this.name, (f, m) => this.fromSegment(vid, f, m));
    const mp = { vid, segment, port };
    this.byVid.set(vid, mp);
    this.bySegment.set(segment, mp);
    return port;
  }

  unmap(vid: number): FabricPort | undefined {
    const mp = this.byVid.get(vid);
    if (mp === undefined) return undefined;
    this.byVid.delete(vid);
    this.bySegment.delete(mp.segment);
    mp.port.detach();
    return mp.port;
  }

  vlanOf(segment: string): number | undefined {
    return this.bySegment.get(segment)?.vid;
  }

  segmentOf(vid: number): string | undefined {
    return this.byVid.get(vid)?.segment;
  }

  mappings(): Array<{ readonly vid: number; readonly segment: string }> {
    return [...this.byVid.values()].sort((a, b) => a.vid - b.vid).map(({ vid, segment }) => ({ vid, segment }));
  }

  stats(): VlanTrunkStats {
    return { ...this.counters };
  }

  private fromTrunk(bytes: Uint8Array, meta: FrameMeta): void {
    const vid = vlanOf(bytes);
    const mp = vid < 0 ? undefined : this.byVid.get(vid);
    if (mp === undefined) {
      this.counters.unmapped++;
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'vlan-unmapped', vid } });
      return;
    }
    this.counters.toSegments++;
    meta.trace?.add({ kind: 'vlan', hop: meta.hops, device: this.name, port: `trunk -> ${mp.segment}`, op: 'pop', vid });
    if (!mp.port.send(setVlanBytes(bytes, -1), meta)) {
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'unconnected-port', port: mp.port.name } });
    }
  }

  private fromSegment(vid: number, bytes: Uint8Array, meta: FrameMeta): void {
    this.counters.toTrunk++;
    meta.trace?.add({ kind: 'vlan', hop: meta.hops, device: this.name, port: `${this.byVid.get(vid)?.segment ?? '?'} -> trunk`, op: 'push', vid });
    if (!this.trunk.send(setVlanBytes(bytes, vid), meta)) {
      meta.trace?.add({ kind: 'drop', hop: meta.hops, device: this.name, reason: { kind: 'unconnected-port', port: 'trunk' } });
    }
  }
}
