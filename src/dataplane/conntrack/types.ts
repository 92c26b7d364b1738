// Contract between the OpenFlow pipeline's ct() action and the connection tracker.
// The pipeline hands over the packet's flow key (and the TCP flags / payload length it
// needs for state tracking); conntrack answers with the ct_state bits and, for
// NAT, the rewritten addresses/ports. Conntrack owns no clock: `now` is passed in.

export interface NatSpec {
  readonly kind: 'src' | 'dst';
  /** IPv4 as uint32; a range min..max (max = min for a single address). */
  readonly addrMin: number;
  readonly addrMax: number;
  /** 0 = keep the port. */
  readonly portMin: number;
  readonly portMax: number;
}

export interface CtRequest {
  readonly zone: number;
  /** Commit a new connection (ct(commit,...)). */
  readonly commit: boolean;
  /**
   * NAT: undefined = none; { spec: undefined } = "nat" without arguments (apply the
   * existing connection's translation, as `ct(nat)` does); { spec } = set up NAT on commit.
   */
  readonly nat?: { readonly spec?: NatSpec } | undefined;
  /** ct_mark to set when committing (exec(set_field:...->ct_mark)). */
  readonly setMark?: { readonly value: number; readonly mask: number } | undefined;
  readonly now: number;
}

/** The 5-tuple conntrack sees (after any earlier NAT in this pass). */
export interface CtTuple {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  /** TCP/UDP ports; for ICMP echo: srcPort = id, dstPort = 0 with icmpType carried separately. */
  readonly srcPort: number;
  readonly dstPort: number;
}

/** The datagram quoted inside an ICMP error (wire's icmpErrorQuoteOf returns this shape). */
export interface CtQuotedTuple extends CtTuple {
  /** For a quoted ICMP message (e.g. an echo request); 0 otherwise. */
  readonly icmpType: number;
}

export interface CtPacketInfo {
  readonly tuple: CtTuple;
  readonly tcpFlags: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly payloadLength: number;
  /**
   * For ICMP errors (types 3, 4, 5, 11, 12): the quoted datagram's tuple. Conntrack
   * relates the error to that connection (+rel); without it the error is +inv.
   */
  readonly quoted?: CtQuotedTuple | undefined;
}

export interface CtResult {
  /** ct_state bits (CT_* in ../flow-key.ts), always including CT_TRK. */
  readonly state: number;
  readonly mark: number;
  readonly zone: number;
  /** When NAT applied: the rewritten tuple the packet must carry from now on. */
  readonly translated?: CtTuple;
  /** Opaque id of the connection entry (for traces), if any. */
  readonly entryId?: number;
  /**
   * For a NATed related ICMP error: the rewritten tuple of the quoted datagram (apply
   * with wire's applyQuoteTupleToFrame), alongside `translated` for the outer header.
   */
  readonly translatedQuoted?: CtTuple;
}
