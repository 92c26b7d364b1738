// The `svcnet` command. Parses arguments and dispatches; the lab itself is assembled
// in ./lab.ts (bin/ is the only place that imports every component).
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerLabCommands } from './lab-commands.js';

// Loaded on use: the lab pulls in every component, which the view commands do not need.
const lifecycle = () => import('./lifecycle.js');

const program = new Command();
program
  .name('svcnet')
  .description('Kubernetes Service networking lab: API server, controllers, service proxy, emulated dataplane')
  .showHelpAfterError('(run `svcnet --help` for usage)');

const portArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
};

program
  .command('up')
  .description('start the lab and write STATE_DIR/kubeconfig once it is ready')
  .option('--state-dir <dir>', 'where the store, certificates, kubeconfig and logs live', '.svcnet')
  .option('--detach', 'start in the background and return once ready', false)
  .option('--port <port>', 'API server port on 127.0.0.1 (0 = any free port)', portArg, 6443)
  .option('--address <ip>', 'address the API server listens on', '127.0.0.1')
  .option('--dns-port <port>', 'host port of the cluster DNS on 127.0.0.1 (0 = any free port)', portArg, 10053)
  .option('--dns-metrics-port <port>', 'host port of the cluster DNS /metrics on 127.0.0.1 (CoreDNS metric names; 0 = any free port)', portArg, 9153)
  .addOption(
    new Option('--proxy-mode <mode>', 'openflow: the NSX-T lab (br-int flows and groups); nftables / iptables: generic Kubernetes with kube-proxy in that mode')
      .choices(['openflow', 'nftables', 'iptables'])
      .default('openflow'),
  )
  .option('--bgp-peer <host:port>', 'advertise LoadBalancer VIP /32s from the Tier-0 (edge) to this BGP speaker; repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--bgp-peer-asn <asn>', "the peers' AS number", '65000')
  .option('--bgp-asn <asn>', 'our (Tier-0) AS number', '65001')
  .option('--bgp-router-id <ip>', 'our BGP identifier', '192.168.50.1')
  .action(async (opts: { stateDir: string; detach: boolean; port: number; address: string; dnsPort: number; dnsMetricsPort: number; proxyMode: 'openflow' | 'nftables' | 'iptables'; bgpPeer: string[]; bgpPeerAsn: string; bgpAsn: string; bgpRouterId: string }) => {
    process.exitCode = await (await lifecycle()).runUp(opts);
  });

program
  .command('down')
  .description('stop a lab started with `svcnet up --detach`')
  .option('--state-dir <dir>', 'state directory of the lab', '.svcnet')
  .action(async (opts: { stateDir: string }) => {
    process.exitCode = await (await lifecycle()).runDown(opts);
  });

program
  .command('status')
  .description('show whether the lab is running and where to reach it')
  .option('--state-dir <dir>', 'state directory of the lab', '.svcnet')
  .action(async (opts: { stateDir: string }) => {
    process.exitCode = await (await lifecycle()).runStatus(opts);
  });

// ofctl, vsctl, conntrack, trace: views of the running lab's emulated network.
registerLabCommands(program);

await program.parseAsync(process.argv);
