// Segment arrival for an existing connection (RFC 9293 3.10.7.3 and 3.10.7.4), with
// RFC 5961's challenge ACKs for in-window RSTs and SYNs, and Linux's exceptions where
// the RFC and Linux differ (noted inline). Called with the stack in "processing" mode:
// nothing here calls the app or the wire directly; output and events follow in flush.
import { allocBytes } from '../wire/alloc.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp.js';
import { tcpMss } from '../wire/tcp-options.js';
import type { Tcb } from './tcb.js';
import { TCP_DEFAULT_MSS } from './tcp-config.js';
import { retransmitOne, sendSyn } from './tcp-output.js';

/** 'reopen': a SYN that may start a new connection hit a TIME_WAIT; the layer takes over. */
export type InputVerdict = 'done' | 'reopen';

const EMPTY = new Uint8Array(0);

export function tcpInput(t: Tcb, seg: TcpRepr): InputVerdict {
  t.layer.stack.markDirty(t);
  switch (t.state) {
    case 'CLOSED':
      return 'done';
    case 'SYN_SENT':
      synSent(t, seg);
      return 'done';
    case 'TIME_WAIT':
      return timeWait(t, seg);
    default:
      break;
  }
  let flags = seg.flags;
  let seq = t.rcvNxt + ((seg.seq - ((t.irs + t.rcvNxt) >>> 0)) | 0);
  let data = seg.payload;
  let fin = (flags & TCP_FIN) !== 0;

  if (t.state === 'SYN_RECEIVED' && (flags & TCP_SYN) !== 0 && seq === 0) {
    if ((flags & TCP_ACK) === 0) {
      // The peer retransmitted its SYN: our SYN-ACK was lost.
      sendSyn(t);
      return 'done';
    }
    // Simultaneous open: the peer's SYN-ACK. Linux lets it through as an ACK (tcp_validate_incoming).
    flags &= ~TCP_SYN;
    seq = 1;
  }

  // 1. Sequence number check.
  const wnd = Math.max(t.rcvWindow(), t.rcvAdvRight - t.rcvNxt);
  const segLen = data.length + ((flags & TCP_SYN) !== 0 ? 1 : 0) + (fin ? 1 : 0);
  const rcvNxt = t.rcvNxt;
  let acceptable: boolean;
  if (segLen === 0) acceptable = wnd === 0 ? seq === rcvNxt : seq >= rcvNxt && seq < rcvNxt + wnd;
  else {
    const last = seq + segLen - 1;
    acceptable = wnd > 0 && ((seq >= rcvNxt && seq < rcvNxt + wnd) || (last >= rcvNxt && last < rcvNxt + wnd));
  }
  if (!acceptable) {
    if (wnd === 0 && seq === rcvNxt && (flags & (TCP_RST | TCP_SYN)) === 0) {
      // Zero window: the data cannot be taken but the ACK must be (RFC 9293 3.10.7.4).
      data = EMPTY;
      fin = false;
      t.ackNow = true;
    } else {
      if ((flags & TCP_RST) === 0) t.ackNow = true;
      return 'done';
    }
  }

  // 2. RST: only the exact next sequence number resets; in-window gets a challenge ACK.
  if ((flags & TCP_RST) !== 0) {
    if (seq !== rcvNxt) t.ackNow = true;
    else resetReceived(t);
    return 'done';
  }
  // 4. SYN on a synchronized connection: challenge ACK (RFC 5961 4.2).
  if ((flags & TCP_SYN) !== 0) {
    t.ackNow = true;
    return 'done';
  }
  // 5. ACK.
  if ((flags & TCP_ACK) === 0) return 'done';
  const ack = t.sndUna + ((seg.ack - ((t.iss + t.sndUna) >>> 0)) | 0);
  if (t.state === 'SYN_RECEIVED') {
    if (ack <= t.sndUna || ack > t.sndMax) {
      t.layer.sendReset(t.remoteIp, t.localIp, seg);
      return 'done';
    }
    becomeEstablished(t);
  }
  if (ack > t.sndMax) {
    t.ackNow = true;
    return 'done';
  }
  if (ack > t.sndUna) ackedNew(t, ack);
  else if (ack === t.sndUna && data.length === 0 && !fin && seg.window === t.sndWnd && t.sndMax > t.sndUna) dupAck(t);
  if (ack >= t.sndUna && (t.sndWl1 < seq || (t.sndWl1 === seq && t.sndWl2 <= ack))) {
    t.sndWnd = seg.window;
    if (seg.window > t.maxSndWnd) t.maxSndWnd = seg.window;
    t.sndWl1 = seq;
    t.sndWl2 = ack;
  }
  const finAcked = t.finQueued && t.sndUna > t.sndBuf.end;
  switch (t.state) {
    case 'FIN_WAIT_1':
      if (finAcked) t.state = 'FIN_WAIT_2';
      break;
    case 'CLOSING':
      if (finAcked) t.enterTimeWait();
      return 'done';
    case 'LAST_ACK':
      if (finAcked) t.finish();
      return 'done';
    default:
      break;
  }
  // 7. Segment text and 8. FIN.
  if (data.length > 0 || fin) receiveText(t, seq, data, fin, wnd);
  return 'done';
}

function synSent(t: Tcb, seg: TcpRepr): void {
  const flags = seg.flags;
  const ackOk = (flags & TCP_ACK) !== 0 && seg.ack === ((t.iss + 1) >>> 0);
  if ((flags & TCP_ACK) !== 0 && !ackOk) {
    if ((flags & TCP_RST) === 0) t.layer.sendReset(t.remoteIp, t.localIp, seg);
    return;
  }
  if ((flags & TCP_RST) !== 0) {
    if (ackOk) {
      t.layer.stack.stats.tcpAttemptFails++;
      t.abort('ECONNREFUSED');
    }
    return;
  }
  if ((flags & TCP_SYN) === 0) return;
  t.irs = seg.seq;
  t.rcvNxt = 1;
  t.mss = Math.min(tcpMss(seg.options) ?? TCP_DEFAULT_MSS, t.ourMss);
  t.cwnd = t.cfg.initialCwndSegments * t.mss;
  t.sndWnd = seg.window;
  t.maxSndWnd = seg.window;
  t.sndWl1 = 0;
  if (!ackOk) {
    // Simultaneous open.
    t.state = 'SYN_RECEIVED';
    sendSyn(t);
    return;
  }
  const now = t.layer.clock.now();
  if (t.rttSeq >= 0) {
    t.rttSample(now - t.rttTime);
    t.rttSeq = -1;
  }
  t.sndUna = 1;
  t.sndWl2 = 1;
  t.rtoAt = 0;
  t.retries = 0;
  t.backoff = 0;
  becomeEstablished(t);
  t.ackNow = true;
  if (seg.payload.length > 0 || (flags & TCP_FIN) !== 0) receiveText(t, 1, seg.payload, (flags & TCP_FIN) !== 0, t.rcvWindow());
}

function timeWait(t: Tcb, seg: TcpRepr): InputVerdict {
  const flags = seg.flags;
  const seq = t.rcvNxt + ((seg.seq - ((t.irs + t.rcvNxt) >>> 0)) | 0);
  // RST kills TIME_WAIT (Linux default tcp_rfc1337=0).
  if ((flags & TCP_RST) !== 0) {
    t.finish();
    return 'done';
  }
  if ((flags & TCP_SYN) !== 0 && (flags & TCP_ACK) === 0) {
    // A new incarnation may start above the old sequence space (as Linux's tcp_timewait_state_process).
    if (seq > t.rcvNxt) return 'reopen';
    t.ackNow = true;
    return 'done';
  }
  if ((flags & TCP_FIN) !== 0) {
    // The peer did not get our last ACK: ACK again and restart 2*MSL.
    t.twAt = t.layer.clock.now() + t.cfg.timeWaitMs;
    t.armTimer();
  }
  if (seg.payload.length > 0 || (flags & TCP_FIN) !== 0) t.ackNow = true;
  return 'done';
}

function becomeEstablished(t: Tcb): void {
  t.state = t.finQueued ? 'FIN_WAIT_1' : 'ESTABLISHED';
  t.markOpened();
}

function resetReceived(t: Tcb): void {
  switch (t.state) {
    case 'SYN_RECEIVED':
      if (t.listener !== undefined) t.finish();
      else t.abort('ECONNREFUSED');
      return;
    case 'ESTABLISHED':
    case 'FIN_WAIT_1':
    case 'FIN_WAIT_2':
    case 'CLOSE_WAIT':
      t.layer.stack.stats.tcpEstabResets++;
      t.abort(t.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET');
      return;
    default:
      t.finish();
  }
}

function ackedNew(t: Tcb, ack: number): void {
  const now = t.layer.clock.now();
  const acked = ack - t.sndUna;
  const wasSyn = t.sndUna === 0;
  if (t.rttSeq >= 0 && ack >= t.rttSeq) {
    t.rttSample(now - t.rttTime);
    t.rttSeq = -1;
  }
  t.sndUna = ack;
  if (t.sndNxt < ack) t.sndNxt = ack;
  t.sndBuf.ackTo(ack);
  t.retries = 0;
  t.backoff = 0;
  const mss = t.mss;
  if (t.inRecovery) {
    if (ack >= t.recover) {
      t.inRecovery = false;
      t.cwnd = t.ssthresh;
      t.dupAcks = 0;
    } else {
      // NewReno partial ACK: the next hole is lost too.
      retransmitOne(t, ack);
      t.cwnd = Math.max(t.cwnd - acked + mss, mss);
    }
  } else {
    t.dupAcks = 0;
    if (!wasSyn && t.cwnd < 0x40000000) t.cwnd += t.cwnd < t.ssthresh ? Math.min(acked, mss) : Math.max(1, Math.floor((mss * mss) / t.cwnd));
  }
  t.rtoAt = t.sndUna >= t.sndMax ? 0 : now + t.rto();
  if (t.wantDrain && t.sndBuf.length < t.cfg.sndBufHighWater) {
    t.wantDrain = false;
    t.drainWanted();
  }
}

function dupAck(t: Tcb): void {
  t.dupAcks++;
  if (t.dupAcks === 3 && !t.inRecovery && t.sndUna >= t.recover) {
    const mss = t.mss;
    t.ssthresh = Math.max(Math.floor((t.sndMax - t.sndUna) / 2), 2 * mss);
    t.recover = t.sndMax;
    t.inRecovery = true;
    retransmitOne(t, t.sndUna);
    t.cwnd = t.ssthresh + 3 * mss;
  } else if (t.inRecovery && t.dupAcks > 3) {
    t.cwnd += t.mss;
  }
}

function receiveText(t: Tcb, seqIn: number, dataIn: Uint8Array, finIn: boolean, wnd: number): void {
  const s = t.state;
  // After the peer's FIN (CLOSE_WAIT, CLOSING, LAST_ACK) nothing more can arrive.
  if (s !== 'ESTABLISHED' && s !== 'FIN_WAIT_1' && s !== 'FIN_WAIT_2') return;
  let seq = seqIn;
  let data = dataIn;
  let fin = finIn;
  if (seq < t.rcvNxt) {
    const cut = t.rcvNxt - seq;
    if (cut > data.length) {
      t.ackNow = true;
      return;
    }
    data = data.subarray(cut);
    seq = t.rcvNxt;
  }
  const right = t.rcvNxt + wnd;
  if (seq + data.length > right) {
    data = data.subarray(0, Math.max(0, right - seq));
    fin = false;
  }
  if (seq !== t.rcvNxt) {
    // Out of order: keep it and send a duplicate ACK at once (it drives fast retransmit).
    if ((data.length > 0 || fin) && t.reassembly().insert(seq, copy(data), fin)) t.layer.stack.stats.tcpOfoQueue++;
    t.ackNow = true;
    return;
  }
  if (data.length > 0) {
    t.pushData(copy(data));
    t.rcvNxt += data.length;
    t.ackPendingBytes += data.length;
  }
  if (!fin && t.ooo !== undefined && t.ooo.size > 0) {
    const r = t.ooo.take(t.rcvNxt, (d) => t.pushData(d));
    t.rcvNxt = r.next;
    fin = r.fin;
    t.ackNow = true;
  }
  if (fin) {
    t.rcvNxt += 1;
    t.ooo = undefined;
    t.peerFinished();
    t.ackNow = true;
    if (t.state === 'ESTABLISHED') t.state = 'CLOSE_WAIT';
    else if (t.state === 'FIN_WAIT_1') t.state = 'CLOSING';
    else t.enterTimeWait();
  } else if (t.ackPendingBytes >= 2 * t.mss) t.ackNow = true;
}

function copy(data: Uint8Array): Uint8Array {
  const out = allocBytes(data.length);
  out.set(data);
  return out;
}
