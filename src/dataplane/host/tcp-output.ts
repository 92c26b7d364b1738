// Sending side of a TCP connection: what may go out now (window, congestion window,
// sender SWS avoidance), how a segment is written, and what a retransmission timeout
// does. Congestion control is NewReno (RFC 5681 + RFC 6582): slow start from 10
// segments, congestion avoidance, fast retransmit on the third duplicate ACK, go-back-N
// from the first unacknowledged byte after a timeout. No Nagle (every write goes out
// as soon as the windows allow, like TCP_NODELAY), no SACK, no timestamps.
import { writeU16, writeU32 } from '../wire/checksum.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { allocPacket, L4_OFFSET, writeL4Checksum } from './packet.js';
import type { Tcb } from './tcb.js';

/** Sends whatever the state and windows allow, then a pending ACK if nothing carried it. */
export function tcpOutput(t: Tcb): void {
  const state = t.state;
  if (state === 'CLOSED') return;
  if (state === 'SYN_SENT' || state === 'SYN_RECEIVED' || state === 'TIME_WAIT') {
    if (t.ackNow && state !== 'SYN_SENT') emitSegment(t, t.sndMax, 0, TCP_ACK);
    t.armTimer();
    return;
  }
  const now = t.layer.clock.now();
  const mss = t.mss;
  const buf = t.sndBuf;
  let sent = false;
  for (;;) {
    const end = buf.end;
    const wnd = t.sndWnd < t.cwnd ? t.sndWnd : t.cwnd;
    const limit = t.sndUna + wnd;
    const seq = t.sndNxt;
    let len = 0;
    let fin = false;
    if (seq < end) {
      len = Math.min(mss, end - seq, limit - seq);
      if (len <= 0) break;
      // Sender SWS avoidance (RFC 9293 3.8.6.2.1): no window-limited runts.
      if (len < mss && len < end - seq && len < t.maxSndWnd / 2 && !t.swsOverride) break;
      t.swsOverride = false;
      fin = t.finQueued && seq + len === end;
    } else if (t.finQueued && seq === end) fin = true;
    else break;
    let flags = TCP_ACK;
    if (len > 0 && seq + len === end) flags |= TCP_PSH;
    if (fin) flags |= TCP_FIN;
    if (seq < t.sndMax) {
      t.layer.stack.stats.tcpRetransSegs++;
    } else if (t.rttSeq < 0) {
      t.rttSeq = seq + len + (fin ? 1 : 0);
      t.rttTime = now;
    }
    emitSegment(t, seq, len, flags);
    t.sndNxt = seq + len + (fin ? 1 : 0);
    if (t.sndNxt > t.sndMax) t.sndMax = t.sndNxt;
    sent = true;
  }
  if (sent) {
    if (t.rtoAt === 0) t.rtoAt = now + t.rto();
  } else if (t.ackNow) {
    // Pure ACKs carry the highest sequence number sent (BSD's snd_max): after a timeout
    // sndNxt is rewound, and an ACK numbered below what the peer already holds would be
    // unacceptable to it (RFC 9293 3.10.7.4) — both sides would then ignore each other's ACKs.
    emitSegment(t, t.sndMax, 0, TCP_ACK);
  } else if (t.ackPendingBytes > 0 && t.delAckAt === 0) {
    t.delAckAt = now + t.cfg.delayedAckMs;
  }
  // Data waiting but nothing in flight (zero or runt window): the retransmission timer
  // doubles as the persist timer.
  if (t.rtoAt === 0 && t.sndUna === t.sndMax && (buf.end > t.sndNxt || (t.finQueued && t.sndNxt === buf.end))) {
    t.rtoAt = now + t.rto();
  }
  t.armTimer();
}

/**
 * Writes and sends one segment starting at absolute send sequence `seq` with `len` data
 * bytes from the send buffer. Every segment but the initial SYN carries our ACK and
 * window, which settles any pending (delayed) ACK.
 */
export function emitSegment(t: Tcb, seq: number, len: number, flags: number): void {
  const syn = (flags & TCP_SYN) !== 0;
  const optLen = syn ? 4 : 0;
  const hl = 20 + optLen;
  const pkt = allocPacket(hl + len);
  const o = L4_OFFSET;
  writeU16(pkt, o, t.localPort);
  writeU16(pkt, o + 2, t.remotePort);
  writeU32(pkt, o + 4, (t.iss + seq) >>> 0);
  let wnd = 0;
  if ((flags & TCP_ACK) !== 0) {
    writeU32(pkt, o + 8, (t.irs + t.rcvNxt) >>> 0);
    wnd = t.rcvWindow();
    const right = t.rcvNxt + wnd;
    if (right < t.rcvAdvRight) wnd = t.rcvAdvRight - t.rcvNxt;
    else t.rcvAdvRight = right;
    t.ackNow = false;
    t.ackPendingBytes = 0;
    t.delAckAt = 0;
  } else if (syn) {
    wnd = t.rcvWindow();
  }
  pkt[o + 12] = (hl >>> 2) << 4;
  pkt[o + 13] = flags;
  writeU16(pkt, o + 14, wnd);
  if (syn) {
    pkt[o + 20] = 2;
    pkt[o + 21] = 4;
    writeU16(pkt, o + 22, t.ourMss);
  }
  if (len > 0) t.sndBuf.copyOut(seq, len, pkt, o + hl);
  writeL4Checksum(pkt, 6, t.localIp, t.remoteIp, o + 16);
  const stack = t.layer.stack;
  stack.stats.tcpOutSegs++;
  stack.sendIp(pkt, 6, t.localIp, t.remoteIp);
}

/** Our SYN (active open) or SYN-ACK (passive open / simultaneous open). */
export function sendSyn(t: Tcb): void {
  emitSegment(t, 0, 0, t.state === 'SYN_RECEIVED' ? TCP_SYN | TCP_ACK : TCP_SYN);
  if (t.sndNxt < 1) t.sndNxt = 1;
  if (t.sndMax < 1) t.sndMax = 1;
}

export function sendRst(t: Tcb): void {
  t.layer.stack.stats.tcpOutRsts++;
  emitSegment(t, t.sndMax, 0, TCP_RST | TCP_ACK);
}

/** Resends the segment starting at `seq` (fast retransmit, NewReno partial ACK). */
export function retransmitOne(t: Tcb, seq: number): void {
  const end = t.sndBuf.end;
  const len = Math.min(t.mss, end - seq);
  const fin = t.finQueued && t.sndMax > end && seq + Math.max(len, 0) === end;
  if (len <= 0 && !fin) return;
  t.layer.stack.stats.tcpRetransSegs++;
  t.rttSeq = -1;
  emitSegment(t, seq, Math.max(len, 0), TCP_ACK | (fin ? TCP_FIN : 0));
}

/** The retransmission (or persist) timer expired. */
export function retransmitTimeout(t: Tcb): void {
  const now = t.layer.clock.now();
  const stats = t.layer.stack.stats;
  switch (t.state) {
    case 'SYN_SENT':
    case 'SYN_RECEIVED': {
      const limit = t.state === 'SYN_SENT' ? t.cfg.synRetries : t.cfg.synAckRetries;
      if (++t.retries > limit) {
        if (t.state === 'SYN_SENT') stats.tcpAttemptFails++;
        t.abort(t.softError ?? 'ETIMEDOUT');
        return;
      }
      t.backoff++;
      t.rttSeq = -1;
      stats.tcpRetransSegs++;
      sendSyn(t);
      t.rtoAt = now + t.rto();
      return;
    }
    case 'TIME_WAIT':
    case 'CLOSED':
      return;
    default:
      break;
  }
  if (t.sndMax === t.sndUna || t.sndWnd === 0) {
    // Persist (RFC 9293 3.8.6.1): nothing can go out. A zero window gets a zero-length
    // probe just below it so the peer re-announces its window; a small window that
    // sender SWS avoidance refused gets its data anyway (the SWS override timer).
    // Probes are not counted against dataRetries (Linux counts them separately).
    const pending = t.sndBuf.end > t.sndNxt || (t.finQueued && t.sndMax <= t.sndBuf.end);
    if (!pending && t.sndMax === t.sndUna) return;
    if (t.backoff < 16) t.backoff++;
    if (t.sndWnd === 0) emitSegment(t, t.sndUna - 1, 0, TCP_ACK);
    else t.swsOverride = true;
    t.rtoAt = now + t.rto();
    return;
  }
  if (++t.retries > t.cfg.dataRetries) {
    t.abort(t.softError ?? 'ETIMEDOUT');
    return;
  }
  const flight = t.sndMax - t.sndUna;
  t.ssthresh = Math.max(Math.floor(flight / 2), 2 * t.mss);
  t.cwnd = t.mss;
  t.sndNxt = t.sndUna;
  t.dupAcks = 0;
  t.inRecovery = false;
  t.recover = t.sndMax;
  t.rttSeq = -1;
  t.backoff++;
  // tcpOutput (run when the connection is flushed) resends from sndUna and re-arms.
}
