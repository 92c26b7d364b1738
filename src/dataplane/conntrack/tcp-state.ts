// Linux's TCP connection-tracking state machine (nf_conntrack_proto_tcp.c), as data.
// We are the man in the middle: the table guesses each endpoint's state from the flags
// it sees. Without sequence numbers in CtPacketInfo there is no window tracking, so
// validity is decided by flags and state alone (see README: be_liberal approximation).

export const TcpState = {
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECV: 2,
  ESTABLISHED: 3,
  FIN_WAIT: 4,
  CLOSE_WAIT: 5,
  LAST_ACK: 6,
  TIME_WAIT: 7,
  CLOSE: 8,
  /** Simultaneous open: SYN seen from the reply direction. */
  SYN_SENT2: 9,
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/** Names as `conntrack -L` prints them, indexed by TcpState. */
export const TCP_STATE_NAMES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'] as const;
export type TcpStateName = (typeof TCP_STATE_NAMES)[number];

/** Transition results beyond the real states. */
export const TCP_INVALID = 10;
export const TCP_IGNORE = 11;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const URG = 0x20;

/** Row index of the transition table. */
export const TCP_IDX_SYN = 0;
export const TCP_IDX_SYNACK = 1;
export const TCP_IDX_FIN = 2;
export const TCP_IDX_ACK = 3;
export const TCP_IDX_RST = 4;
export const TCP_IDX_NONE = 5;

export function tcpIndex(flags: number): number {
  if (flags & RST) return TCP_IDX_RST;
  if (flags & SYN) return flags & ACK ? TCP_IDX_SYNACK : TCP_IDX_SYN;
  if (flags & FIN) return TCP_IDX_FIN;
  if (flags & ACK) return TCP_IDX_ACK;
  return TCP_IDX_NONE;
}

// Linux tcp_valid_flags: combinations a segment may carry (PSH, ECE, CWR, NS ignored).
const VALID_FLAGS = new Uint8Array(64);
for (const f of [SYN, SYN | URG, SYN | ACK, RST, RST | ACK, FIN | ACK, FIN | ACK | URG, ACK, ACK | URG]) VALID_FLAGS[f] = 1;

export function tcpFlagsValid(flags: number): boolean {
  return VALID_FLAGS[flags & (FIN | SYN | RST | ACK | URG)] === 1;
}

const sNO = TcpState.NONE;
const sSS = TcpState.SYN_SENT;
const sSR = TcpState.SYN_RECV;
const sES = TcpState.ESTABLISHED;
const sFW = TcpState.FIN_WAIT;
const sCW = TcpState.CLOSE_WAIT;
const sLA = TcpState.LAST_ACK;
const sTW = TcpState.TIME_WAIT;
const sCL = TcpState.CLOSE;
const sS2 = TcpState.SYN_SENT2;
const sIV = TCP_INVALID;
const sIG = TCP_IGNORE;

// [direction][index][old state] -> new state. Columns: sNO sSS sSR sES sFW sCW sLA sTW sCL sS2.
// prettier-ignore
const TABLE: readonly (readonly (readonly number[])[])[] = [
  [ // ORIGINAL
    /* syn    */ [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    /* synack */ [sIV, sIV, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /* ack    */ [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
  [ // REPLY
    /* syn    */ [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sS2],
    /* synack */ [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /* ack    */ [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
];

// Flattened for the hot path: (dir * 6 + index) * 10 + state.
const FLAT = new Uint8Array(2 * 6 * 10);
for (let d = 0; d < 2; d++) for (let i = 0; i < 6; i++) for (let s = 0; s < 10; s++) FLAT[(d * 6 + i) * 10 + s] = TABLE[d]![i]![s]!;

/** The next state, or TCP_INVALID / TCP_IGNORE. dir: 0 original, 1 reply. */
export function tcpTransition(dir: number, index: number, state: number): number {
  return FLAT[(dir * 6 + index) * 10 + state]!;
}
