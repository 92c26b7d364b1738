// Connection timeouts, Linux defaults (net.netfilter.nf_conntrack_*_timeout_*), seconds.
import { TcpState } from './tcp-state.js';

export interface CtTimeouts {
  readonly tcpSynSent: number;
  readonly tcpSynRecv: number;
  readonly tcpEstablished: number;
  readonly tcpFinWait: number;
  readonly tcpCloseWait: number;
  readonly tcpLastAck: number;
  readonly tcpTimeWait: number;
  readonly tcpClose: number;
  /** Cap for states with longer timeouts while no reply has been seen (picked-up connections). */
  readonly tcpUnacknowledged: number;
  /** UDP until a packet follows the first reply. */
  readonly udp: number;
  /** UDP once replied to ("stream"). */
  readonly udpStream: number;
  readonly icmp: number;
  /** Any other IP protocol. */
  readonly generic: number;
}

export const DEFAULT_TIMEOUTS: CtTimeouts = {
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 432000,
  tcpFinWait: 120,
  tcpCloseWait: 60,
  tcpLastAck: 30,
  tcpTimeWait: 120,
  tcpClose: 10,
  tcpUnacknowledged: 300,
  udp: 30,
  udpStream: 120,
  icmp: 30,
  generic: 600,
};

/** Per-TcpState timeouts in milliseconds, indexed by state. */
export function tcpTimeoutTable(t: CtTimeouts): Float64Array {
  const a = new Float64Array(10);
  a[TcpState.NONE] = t.tcpSynSent * 1000;
  a[TcpState.SYN_SENT] = t.tcpSynSent * 1000;
  a[TcpState.SYN_RECV] = t.tcpSynRecv * 1000;
  a[TcpState.ESTABLISHED] = t.tcpEstablished * 1000;
  a[TcpState.FIN_WAIT] = t.tcpFinWait * 1000;
  a[TcpState.CLOSE_WAIT] = t.tcpCloseWait * 1000;
  a[TcpState.LAST_ACK] = t.tcpLastAck * 1000;
  a[TcpState.TIME_WAIT] = t.tcpTimeWait * 1000;
  a[TcpState.CLOSE] = t.tcpClose * 1000;
  a[TcpState.SYN_SENT2] = t.tcpSynSent * 1000;
  return a;
}
