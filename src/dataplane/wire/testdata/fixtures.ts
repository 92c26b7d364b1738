// Captured-style frames (no FCS) for round-trip tests. Checksums were computed outside
// this code base (a separate Python script using struct + RFC 1071 folding) and are
// re-checked in the tests by a second, naive implementation.
//
// Hosts: pod 172.25.5.4 (02:42:ac:19:05:04), gateway 172.25.5.1 (02:42:ac:19:05:01).

export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** ARP who-has 172.25.5.1 tell 172.25.5.4, padded to the 60-byte minimum. */
export const ARP_REQUEST_HEX =
  'ffffffffffff 0242ac190504 0806' +
  '0001 0800 06 04 0001 0242ac190504 ac190504 000000000000 ac190501' +
  '000000000000000000000000000000000000';

/** TCP SYN 172.25.5.4:40000 -> 10.101.129.209:80, Linux-style options (MSS 1460, SACK-perm, TS, NOP, WS 7). */
export const TCP_SYN_HEX =
  '0242ac190501 0242ac190504 0800' +
  '4500003c 3c1a 4000 40 06 c14e ac190504 0a6581d1' +
  '9c40 0050 deadbeef 00000000 a002 faf0 4d33 0000' +
  '020405b4 0402 080a 5e1f2a3b 00000000 01 030307';
export const TCP_SYN_IP_CHECKSUM = 0xc14e;
export const TCP_SYN_TCP_CHECKSUM = 0x4d33;

/** DNS query A kubernetes.default.svc.cluster.local from 172.25.5.4:53000 to 10.96.0.10:53. */
export const UDP_DNS_HEX =
  '0242ac190501 0242ac190504 0800' +
  '45000052 7a11 4000 40 11 0503 ac190504 0a60000a' +
  'cf08 0035 003e f3d7' +
  'beef 0100 0001 0000 0000 0000' +
  '0a6b756265726e65746573 0764656661756c74 03737663 07636c7573746572 056c6f63616c 00 0001 0001';
export const UDP_DNS_UDP_CHECKSUM = 0xf3d7;

/** ping 172.25.5.3: echo request id 0x1234 seq 1, 56 data bytes (timestamp + 0x10..0x37). */
export const ICMP_ECHO_HEX =
  '0242ac190501 0242ac190504 0800' +
  '4500004c 0001 4000 40 01 d876 ac190504 ac190503' +
  '08 00 c026 1234 0001' +
  '65a1b2c3 000d4e5f 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';
export const ICMP_ECHO_ICMP_CHECKSUM = 0xc026;

/** The same echo request with an 802.1Q tag: PCP 5, VID 100. */
export const VLAN_ICMP_ECHO_HEX =
  '0242ac190501 0242ac190504 8100 a064 0800' +
  '4500004c 0001 4000 40 01 d876 ac190504 ac190503' +
  '08 00 c026 1234 0001' +
  '65a1b2c3 000d4e5f 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';

/** Port unreachable from 10.96.0.10 quoting the DNS query's IP header + 8 bytes. */
export const ICMP_PORT_UNREACHABLE_HEX =
  '0242ac190504 0242ac190501 0800' +
  '45000038 0000 0000 40 01 bf3e 0a60000a ac190504' +
  '03 03 39a9 0000 0000' +
  '45000052 7a11 4000 40 11 0503 ac190504 0a60000a cf08 0035 003e f3d7';

/** An IPv6 neighbor-solicitation-sized frame: must parse as an 'unsupported' L3. */
export const IPV6_HEX =
  '3333ff000001 0242ac190504 86dd' +
  '6000000000203aff fe800000000000000042acfffe190504 ff0200000000000000000001ff000001' +
  '8700 0000 00000000 fe800000000000000000000000000001 0101 0242ac190504';

export const ALL_FIXTURES: readonly (readonly [string, string])[] = [
  ['arp request', ARP_REQUEST_HEX],
  ['tcp syn', TCP_SYN_HEX],
  ['udp dns query', UDP_DNS_HEX],
  ['icmp echo', ICMP_ECHO_HEX],
  ['vlan icmp echo', VLAN_ICMP_ECHO_HEX],
  ['icmp port unreachable', ICMP_PORT_UNREACHABLE_HEX],
  ['ipv6', IPV6_HEX],
];
