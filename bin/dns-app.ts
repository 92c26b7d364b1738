// The coredns image in the emulator: the cluster DNS server (src/dns) answering on the
// pod's own IP stack, UDP and TCP port 53 — so pods resolve through the kube-dns
// Service VIP, the NSX kube proxy's group, and a coredns pod, as in the article.
// (bin/ wires it: src/node may not import src/dns.)
import type { DnsHandler } from '../src/dns/index.js';
import type { TcpSocket, UdpSocket } from '../src/dataplane/host/index.js';
import type { AppImage } from '../src/node/index.js';

const COREDNS_REPOSITORY = 'registry.k8s.io/coredns/coredns';

export function clusterDnsApp(handler: DnsHandler, repository = COREDNS_REPOSITORY): AppImage {
  return {
    repository,
    description: 'cluster DNS server (Kubernetes DNS spec 1.1.0, CoreDNS behaviour)',
    launch(ctx) {
      const udp = ctx.stack.udpBind(53);
      const conns = new Set<TcpSocket>();
      const tcp = ctx.stack.listen(53, (s) => {
        conns.add(s);
        let buf = new Uint8Array(0);
        s.onData((chunk) => {
          const joined = new Uint8Array(buf.length + chunk.length);
          joined.set(buf);
          joined.set(chunk, buf.length);
          buf = joined;
          // RFC 1035 4.2.2: each message is preceded by a two-byte length.
          while (buf.length >= 2) {
            const len = (buf[0]! << 8) | buf[1]!;
            if (buf.length < 2 + len) break;
            const query = buf.subarray(2, 2 + len);
            buf = buf.slice(2 + len);
            void handler.handle(query, { transport: 'tcp' }).then((resp) => {
              if (resp === undefined) return;
              const framed = new Uint8Array(resp.length + 2);
              framed[0] = resp.length >> 8;
              framed[1] = resp.length & 0xff;
              framed.set(resp, 2);
              s.write(framed);
            });
          }
        });
        s.onClose(() => conns.delete(s));
      });
      if (!udp.ok || !tcp.ok) {
        ctx.log('listen udp/tcp :53: bind: address already in use', 'stderr');
        if (udp.ok) udp.value.close();
        if (tcp.ok) tcp.value.close();
        ctx.exit(1);
        return { stop: () => 1 };
      }
      const sock: UdpSocket = udp.value;
      sock.onMessage((m) => {
        void handler.handle(m.data, { transport: 'udp' }).then((resp) => {
          if (resp !== undefined) sock.sendTo(resp, m.address, m.port);
        });
      });
      ctx.log('.:53');
      ctx.log('CoreDNS-compatible svcnet cluster DNS');
      return {
        stop() {
          sock.close();
          tcp.value.close();
          for (const c of conns) c.destroy();
          return 0;
        },
      };
    },
  };
}
