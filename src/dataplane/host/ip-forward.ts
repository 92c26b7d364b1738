// IPv4 forwarding for a host with net.ipv4.ip_forward=1 (a router built from a HostStack
// with several interfaces). RFC 1812 behaviour: TTL expiry -> ICMP time exceeded, no
// route -> ICMP net unreachable, too big with DF -> ICMP fragmentation needed (no
// fragmentation is modelled), ARP failure on the next hop -> ICMP host unreachable.
// Errors come from the address of our route back to the sender (Linux's default,
// icmp_errors_use_inbound_ifaddr=0). ICMP redirects are not sent.
import type { IPv4 } from '../../core/ip.js';
import { allocBytes } from '../wire/alloc.js';
import { readU16, updateChecksum16, writeU16 } from '../wire/checksum.js';
import type { Ipv4Header } from '../wire/ipv4.js';
import type { HostNic } from './host-nic.js';
import type { HostStack } from './host-stack.js';
import { ETH_HLEN } from './packet.js';

export function forwardPacket(stack: HostStack, inNic: HostNic, datagram: Uint8Array, ip: Ipv4Header): void {
  const dst = ip.dst;
  if (ip.src >>> 24 === 127 || dst >>> 24 === 127 || dst >>> 28 >= 14 || ip.src === 0) {
    // Martians and multicast are never forwarded.
    stack.stats.ipInAddrErrors++;
    inNic.counters.rxDropped++;
    return;
  }
  if (ip.ttl <= 1) {
    stack.icmp.sendError(datagram, 11, 0, 0);
    stack.stats.ipInDiscards++;
    return;
  }
  const route = stack.routes.lookup(dst);
  if (route === undefined) {
    stack.stats.ipOutNoRoutes++;
    stack.icmp.sendError(datagram, 3, 0, 0);
    return;
  }
  if (dst === route.dev.broadcast) {
    // Directed broadcasts are not forwarded (Linux default).
    stack.stats.ipInDiscards++;
    return;
  }
  if (datagram.length > route.dev.mtu) {
    if (ip.dontFragment) stack.icmp.sendError(datagram, 3, 4, route.dev.mtu);
    stack.stats.ipInDiscards++;
    return;
  }
  const buf = allocBytes(ETH_HLEN + datagram.length);
  buf.set(datagram, ETH_HLEN);
  // TTL shares a 16-bit word with the protocol: patch the header checksum incrementally.
  const oldWord = readU16(buf, ETH_HLEN + 8);
  buf[ETH_HLEN + 8] = ip.ttl - 1;
  writeU16(buf, ETH_HLEN + 10, updateChecksum16(readU16(buf, ETH_HLEN + 10), oldWord, readU16(buf, ETH_HLEN + 8)));
  stack.stats.ipForwDatagrams++;
  stack.sendVia(route, buf, dst as IPv4);
}
