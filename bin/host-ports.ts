// Host access for `svcnet up`: every NodePort and every LoadBalancer VIP:port gets a real
// listening socket on 127.0.0.1 (the NodePort's own number when free), and each connection
// on it is bridged into the emulated network from the external client — so
// `curl http://127.0.0.1:<port>` on the host takes the same path as the client's curl.
// Mappings are announced as they open and listed by `svcnet status` (admin view host-ports).
// NodePorts map to the first ready node's IP in both labs: in the NSX lab the nodes run
// kube-proxy in iptables mode on their management NICs, as in the article (where nothing
// needs them: the NSX load balancer sends VIP traffic straight to the pods).
import type { RestClient } from '../src/client/index.js';
import type { Logger } from '../src/core/index.js';
import type { HostStack } from '../src/dataplane/host/index.js';
import { hostAccess } from '../src/lb/index.js';
import type { EmulatorViews } from './emulator-views.js';

export interface RunningHostAccess {
  stop(): Promise<void>;
}

export function startHostAccess(o: {
  readonly client: RestClient;
  readonly views: EmulatorViews;
  readonly entry: HostStack;
  readonly vipCidrs: readonly string[];
  readonly announce: (line: string) => void;
  readonly log: Logger;
}): RunningHostAccess {
  const ha = new hostAccess.HostAccess({
    source: hostAccess.informerSource({ client: o.client, log: o.log }),
    vipCidrs: o.vipCidrs,
    entry: () => o.entry,
    log: o.log,
    onChange: (c) => {
      if (c.kind === 'opened') o.announce(`host access: ${hostAccess.formatMappingLine(c.mapping)}`);
      else if (c.kind === 'closed') o.announce(`host access closed: ${hostAccess.formatMappingLine(c.mapping)}`);
      else if (c.kind === 'failed') o.announce(`host access: cannot listen for ${c.key}: ${c.error}`);
    },
  });
  ha.start();
  o.views.addView('host-ports', () => {
    const ms = ha.mappings();
    return { ok: true, stdout: ms.map((m) => `${hostAccess.formatMappingLine(m)}\n`).join('') };
  });
  return { stop: () => ha.stop() };
}
