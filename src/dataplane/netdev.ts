// The contract between things that send and receive Ethernet frames in the emulator:
// host IP stacks, OVS bridges, logical switches and routers. A device hands frames it
// transmits to the `tx` callback it was attached with; the fabric delivers frames to
// it by calling `receive`. Frames are raw bytes (src/dataplane/wire parses them), so
// every hop sees exactly what a real NIC would.
//
// Time never comes from a global: the fabric owns a Scheduler on an injected Clock, and
// devices that need timers (TCP retransmission, ARP expiry) take the same Clock.

export type FrameTx = (frame: Uint8Array) => void;

export interface NetDevice {
  /** Unique within its owner, e.g. "eth0", "ens192", "nsxtestapp-5bfcc97b5-pmkw6_cd333ad6021daef". */
  readonly name: string;
  /** 48-bit MAC as a number. */
  readonly mac: number;
  /** Called once by the fabric: where this device's transmitted frames go. */
  attach(tx: FrameTx): void;
  /** A frame arrives on this device. Must not throw on malformed input. */
  receive(frame: Uint8Array): void;
}

// MAC helpers (formatMac, parseMac, MAC_BROADCAST) live in ./wire/mac.ts.
