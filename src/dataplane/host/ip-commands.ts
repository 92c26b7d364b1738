// Text for the shell's `ip addr`, `ip link [-s]`, `ip route` and `ip neigh`, in
// iproute2's layout (6.x). IPv6 is not modelled, so no inet6 lines appear.
import { formatIPv4 } from '../../core/ip.js';
import { formatMac } from '../wire/mac.js';
import type { HostNic, NicCounters } from './host-nic.js';
import type { HostStack } from './host-stack.js';

function flags(n: HostNic): string {
  const f: string[] = [];
  if (n.kind === 'loopback') f.push('LOOPBACK');
  else {
    if (n.adminUp && !n.lowerUp) f.push('NO-CARRIER');
    f.push('BROADCAST', 'MULTICAST');
  }
  if (n.adminUp) f.push('UP');
  if (n.operUp) f.push('LOWER_UP');
  return `<${f.join(',')}>`;
}

function operState(n: HostNic): string {
  if (n.kind === 'loopback') return 'UNKNOWN';
  return n.operUp ? 'UP' : 'DOWN';
}

function linkHead(n: HostNic, mode: boolean): string {
  const name = n.peerIfindex === undefined ? n.name : `${n.name}@if${n.peerIfindex}`;
  const qdisc = n.adminUp ? n.qdisc : 'noop';
  const qlen = n.txQueueLen > 0 ? ` qlen ${n.txQueueLen}` : ' ';
  return `${n.ifindex}: ${name}: ${flags(n)} mtu ${n.mtu} qdisc ${qdisc} state ${operState(n)}${mode ? ' mode DEFAULT' : ''} group default${qlen}\n`;
}

function linkLine(n: HostNic): string {
  if (n.kind === 'loopback') return '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
  return `    link/ether ${formatMac(n.mac)} brd ff:ff:ff:ff:ff:ff${n.peerIfindex === undefined ? '' : ' link-netnsid 0'}\n`;
}

/** `ip addr` (`ip address show`). */
export function formatIpAddr(stack: HostStack): string {
  let out = '';
  for (const n of stack.interfaces()) {
    out += linkHead(n, false) + linkLine(n);
    if (n.kind === 'loopback') out += `    inet ${formatIPv4(n.address)}/${n.prefix} scope host lo\n`;
    else out += `    inet ${formatIPv4(n.address)}/${n.prefix} brd ${formatIPv4(n.broadcast)} scope global ${n.name}\n`;
    out += '       valid_lft forever preferred_lft forever\n';
  }
  return out;
}

/** `ip link`, or `ip -s link` with `stats`. */
export function formatIpLink(stack: HostStack, opts: { readonly stats?: boolean } = {}): string {
  let out = '';
  for (const n of stack.interfaces()) {
    out += linkHead(n, true) + linkLine(n);
    if (opts.stats === true) out += formatLinkStats(n.counters);
  }
  return out;
}

/** The RX/TX block of `ip -s link`: columns as wide as their longest header or value. */
export function formatLinkStats(c: NicCounters): string {
  const rxH = ['bytes', 'packets', 'errors', 'dropped', 'missed', 'mcast'];
  const txH = ['bytes', 'packets', 'errors', 'dropped', 'carrier', 'collsns'];
  const rx = [c.rxBytes, c.rxPackets, c.rxErrors, c.rxDropped, 0, c.rxMulticast].map(String);
  const tx = [c.txBytes, c.txPackets, c.txErrors, c.txDropped, 0, 0].map(String);
  const w = rxH.map((h, i) => Math.max(h.length, txH[i]!.length, rx[i]!.length, tx[i]!.length));
  const row = (cells: string[]) => cells.map((s, i) => ' ' + s.padStart(w[i]!)).join('');
  return `    RX: ${row(rxH)}\n        ${row(rx)}\n    TX: ${row(txH)}\n        ${row(tx)}\n`;
}

/** `ip route`. */
export function formatIpRoute(stack: HostStack): string {
  return stack.routes.format();
}

/** `ip neigh`. */
export function formatIpNeigh(stack: HostStack): string {
  return stack.arp.format();
}
