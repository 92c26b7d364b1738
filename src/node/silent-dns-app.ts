// The coredns image until a DNS server is plugged into the emulator: a server that is up
// but never answers. It binds 53/udp and listens on 53/tcp, so queries are received and
// dropped: no ICMP port unreachable (the port is open) and TCP connections are accepted
// and left silent. Clients see what a hung DNS server gives them: timeouts
// (";; connection timed out; no servers could be reached"), never a fast failure that
// would hide the missing piece. The image is distroless: exec finds no programs.
import type { TcpSocket, UdpSocket } from '../dataplane/host/index.js';
import { executableNotFound, type AppImage } from './emulated-apps.js';

export const COREDNS_REPOSITORY = 'registry.k8s.io/coredns/coredns';

export function silentDnsApp(repository = COREDNS_REPOSITORY): AppImage {
  return {
    repository,
    description: 'coredns placeholder (receives DNS queries, answers none)',
    launch(ctx) {
      const udp = ctx.stack.udpBind(53);
      const held = new Set<TcpSocket>();
      const tcp = ctx.stack.listen(53, (s) => {
        held.add(s);
        s.onData(() => {});
        s.onClose(() => held.delete(s));
      });
      let sock: UdpSocket | undefined;
      if (udp.ok) {
        sock = udp.value;
        sock.onMessage(() => {});
      }
      if (!udp.ok || !tcp.ok) {
        ctx.log(`listen udp/tcp :53: bind: address already in use`, 'stderr');
        sock?.close();
        if (tcp.ok) tcp.value.close();
        ctx.exit(1);
        return { stop: () => 1 };
      }
      ctx.log('.:53');
      ctx.log('[WARNING] svcnet: no DNS server is plugged into the emulator yet; queries to :53 are received and never answered');
      return {
        stop() {
          sock?.close();
          tcp.value.close();
          for (const s of held) s.destroy();
          return 0;
        },
        exec: (argv) => executableNotFound(argv[0]),
      };
    },
  };
}
