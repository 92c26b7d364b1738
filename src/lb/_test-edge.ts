// Test fixture: the article's LoadBalancer lab — Tier-0, namespace Tier-1s, four
// nsxdemoapp pods (HostStack, a web-ish server answering its own name), the external
// client 192.168.50.10, and the LB Tier-1 SR attached with uplink 100.64.208.9/31.
import { FakeClock } from '../core/clock.js';
import { parseIPv4, type IPv4 } from '../core/ip.js';
import { unwrap } from '../core/result.js';
import { NsxLab } from '../dataplane/fabric/nsx-lab.js';
import { HostStack, type TcpSocket } from '../dataplane/host/index.js';
import { runUntil, seededRandom, settle } from '../dataplane/host/testing.js';

export const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

export const DEMO_PODS = [
  { name: 'nsxdemoapp-85d76c598f-pr49l', node: 'k8s-node1', ip: '172.25.5.2' },
  { name: 'nsxdemoapp-85d76c598f-pmf2g', node: 'k8s-node1', ip: '172.25.5.3' },
  { name: 'nsxdemoapp-85d76c598f-6v98l', node: 'k8s-node2', ip: '172.25.5.4' },
  { name: 'nsxdemoapp-85d76c598f-ks24n', node: 'k8s-node2', ip: '172.25.5.5' },
] as const;

/** The article's namespaces (each gets a Tier-1 DR on the edge). */
export const ARTICLE_NAMESPACES = [
  ['default', '172.25.0.0/24'],
  ['nsx-system', '172.25.1.0/24'],
  ['kube-node-lease', '172.25.2.0/24'],
  ['kube-public', '172.25.3.0/24'],
  ['kube-system', '172.25.4.0/24'],
  ['demons', '172.25.5.0/24'],
] as const;

let seq = 0;
function stack(clock: FakeClock, name: string, addr: string, gateway: string, prefix = 24) {
  seq++;
  const s = new HostStack({ clock, hostname: name, random: seededRandom(seq * 7919) });
  const eth0 = s.addInterface({ name: 'eth0', mac: 0x005056b40000 + seq, address: ip(addr), prefix });
  unwrap(s.addDefaultRoute(ip(gateway)));
  return { stack: s, eth0 };
}

/** Answers every connection with `<pod name>\n` and closes. */
function nameServer(s: HostStack, port: number, name: string): { accepted: TcpSocket[] } {
  const accepted: TcpSocket[] = [];
  unwrap(
    s.listen(port, (sock) => {
      accepted.push(sock);
      sock.onData(() => {
        sock.write(new TextEncoder().encode(`${name}\n`));
        sock.end();
      });
      sock.onEnd(() => sock.end());
    }),
  );
  return { accepted };
}

export function lbLab(o: { readonly serverPort?: number } = {}) {
  const clock = new FakeClock();
  const lab = new NsxLab({ clock });
  unwrap(lab.addNode('k8s-node1', '10.190.5.11'));
  unwrap(lab.addNode('k8s-node2', '10.190.5.12'));
  for (const [ns, cidr] of ARTICLE_NAMESPACES) unwrap(lab.addNamespace(ns, cidr));
  const servers = DEMO_PODS.map((p, i) => {
    const h = stack(clock, p.name, p.ip, '172.25.5.1');
    unwrap(lab.attachPod({ node: p.node, namespace: 'demons', podName: p.name, containerId: `c0ffee${i}0123456789abcdef`, mac: h.eth0.mac, ip: p.ip, device: h.eth0 }));
    return { ...p, ...h, ...nameServer(h.stack, o.serverPort ?? 80, p.name) };
  });
  const client = stack(clock, 'client', '192.168.50.10', '192.168.50.1');
  unwrap(lab.attachHost('external', client.eth0, { ip: '192.168.50.10' }));
  return { clock, lab, servers, client };
}

export type FetchOutcome = { readonly kind: 'ok'; readonly body: string; readonly remote: IPv4 } | { readonly kind: 'error'; readonly message: string };

/** Connects, sends a request line, reads until the server closes. */
export async function fetchOnce(clock: FakeClock, client: HostStack, dst: string, port: number, timeoutMs = 30_000): Promise<FetchOutcome> {
  try {
    const sock = await runUntil(clock, client.connect(ip(dst), port), timeoutMs);
    const parts: string[] = [];
    let ended = false;
    sock.onData((c) => parts.push(new TextDecoder().decode(c)));
    sock.onEnd(() => {
      ended = true;
      sock.end();
    });
    sock.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    await runUntil(
      clock,
      (async () => {
        while (!ended) await settle();
      })(),
      timeoutMs,
    );
    return { kind: 'ok', body: parts.join(''), remote: sock.remoteAddress };
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
