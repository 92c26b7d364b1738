// TCP tunables. Defaults are Linux's except where the emulator deliberately differs
// (marked): TIME_WAIT lasts 1 s instead of 60 s so that ports come back quickly in
// long-running emulations, and there is no window scaling, so the receive buffer is
// one 64 KiB window.

export interface TcpConfig {
  /** RTO before any RTT sample (RFC 6298: 1 s; Linux TCP_TIMEOUT_INIT). */
  readonly initialRtoMs: number;
  /** Lower bound of the RTO (Linux TCP_RTO_MIN 200 ms; RFC 6298 suggests 1 s). */
  readonly minRtoMs: number;
  /** Upper bound of the RTO and its backoff (Linux TCP_RTO_MAX). */
  readonly maxRtoMs: number;
  /** SYN retransmissions before ETIMEDOUT (tcp_syn_retries: 6, about 127 s). */
  readonly synRetries: number;
  /** SYN-ACK retransmissions before a half-open connection is dropped (tcp_synack_retries). */
  readonly synAckRetries: number;
  /** Data retransmissions before the connection is aborted (tcp_retries2). */
  readonly dataRetries: number;
  /** 2*MSL. Emulator default 1000 ms (Linux: 60 s, TCP_TIMEWAIT_LEN). */
  readonly timeWaitMs: number;
  /** Delayed-ACK timeout (Linux's minimum ATO, 40 ms). */
  readonly delayedAckMs: number;
  /** Receive buffer = largest advertised window (no window scaling: at most 65535). */
  readonly rcvBuf: number;
  /** write() returns false once this many bytes are buffered (like a socket's sndbuf). */
  readonly sndBufHighWater: number;
  /** Initial congestion window in segments (RFC 6928, Linux: 10). */
  readonly initialCwndSegments: number;
  /** Half-open plus not yet accepted connections per listener (listen backlog). */
  readonly backlog: number;
  /** Out-of-order segments held per connection beyond which new ones are dropped. */
  readonly maxOutOfOrder: number;
}

export const DEFAULT_TCP_CONFIG: TcpConfig = {
  initialRtoMs: 1000,
  minRtoMs: 200,
  maxRtoMs: 120_000,
  synRetries: 6,
  synAckRetries: 5,
  dataRetries: 15,
  timeWaitMs: 1000,
  delayedAckMs: 40,
  rcvBuf: 65535,
  sndBufHighWater: 256 * 1024,
  initialCwndSegments: 10,
  backlog: 511,
  maxOutOfOrder: 256,
};

/** Linux's default MSS when the peer sends none (RFC 9293: 536). */
export const TCP_DEFAULT_MSS = 536;
