// Protocol counters in the spirit of `netstat -s` / /proc/net/snmp (names follow the
// SNMP MIB fields Linux reports), plus the emulator's own `malformed` frame count.

export interface StackStats {
  /** Frames the wire parser rejected (truncated, bad checksum, malformed); dropped. */
  malformed: number;
  /** Frames addressed to another MAC (Linux's PACKET_OTHERHOST), silently ignored. */
  otherHost: number;
  ipInReceives: number;
  ipInAddrErrors: number;
  ipInDiscards: number;
  ipInDelivers: number;
  ipForwDatagrams: number;
  ipOutRequests: number;
  ipOutNoRoutes: number;
  ipReasmFails: number;
  icmpInMsgs: number;
  icmpInErrors: number;
  icmpOutMsgs: number;
  icmpInEchos: number;
  icmpOutEchoReps: number;
  icmpOutDestUnreachs: number;
  icmpOutTimeExcds: number;
  tcpActiveOpens: number;
  tcpPassiveOpens: number;
  tcpAttemptFails: number;
  tcpEstabResets: number;
  tcpInSegs: number;
  tcpOutSegs: number;
  tcpRetransSegs: number;
  tcpOutRsts: number;
  tcpListenDrops: number;
  /** Segments held for reassembly (Linux TCPOFOQueue). */
  tcpOfoQueue: number;
  udpInDatagrams: number;
  udpNoPorts: number;
  udpOutDatagrams: number;
  udpRcvbufErrors: number;
  /** Exceptions thrown by application callbacks (caught so the stack stays consistent). */
  callbackErrors: number;
}

export function emptyStackStats(): StackStats {
  return {
    malformed: 0,
    otherHost: 0,
    ipInReceives: 0,
    ipInAddrErrors: 0,
    ipInDiscards: 0,
    ipInDelivers: 0,
    ipForwDatagrams: 0,
    ipOutRequests: 0,
    ipOutNoRoutes: 0,
    ipReasmFails: 0,
    icmpInMsgs: 0,
    icmpInErrors: 0,
    icmpOutMsgs: 0,
    icmpInEchos: 0,
    icmpOutEchoReps: 0,
    icmpOutDestUnreachs: 0,
    icmpOutTimeExcds: 0,
    tcpActiveOpens: 0,
    tcpPassiveOpens: 0,
    tcpAttemptFails: 0,
    tcpEstabResets: 0,
    tcpInSegs: 0,
    tcpOutSegs: 0,
    tcpRetransSegs: 0,
    tcpOutRsts: 0,
    tcpListenDrops: 0,
    tcpOfoQueue: 0,
    udpInDatagrams: 0,
    udpNoPorts: 0,
    udpOutDatagrams: 0,
    udpRcvbufErrors: 0,
    callbackErrors: 0,
  };
}
