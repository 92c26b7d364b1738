// CLI commands that look inside the running lab's emulated network, through its admin
// channel (./emulator-admin.ts):
//   svcnet ofctl dump-flows|dump-groups|dump-conntrack|dump-ports <node>
//   svcnet vsctl show <node>
//   svcnet nft list ruleset <node>       (--proxy-mode nftables)
//   svcnet iptables-save <node>          (--proxy-mode iptables)
//   svcnet conntrack -L <node>
//   svcnet edge get logical-router | svcnet edge vrf <n> get interfaces   (NSX lab)
//   svcnet lb get virtual-servers|pools
//   svcnet exec <client|node> -- CMD [ARGS...]
//   svcnet trace --from <ns/pod|node|client> --to <ip|name>[:port] [--proto tcp|udp|icmp]
import { request } from 'node:http';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { adminSocketPath } from './admin-socket.js';
import type { ViewResult } from './emulator-views.js';

const STATE_DIR_DEFAULT = '.svcnet';

type AdminAnswer = { readonly kind: 'answer'; readonly status: number; readonly body: unknown } | { readonly kind: 'not-running' } | { readonly kind: 'error'; readonly message: string };

export function callAdmin(stateDir: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<AdminAnswer> {
  return new Promise((done) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: adminSocketPath(stateDir),
        path,
        method,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            done({ kind: 'answer', status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
          } catch {
            done({ kind: 'error', message: `unreadable answer from the lab (HTTP ${res.statusCode ?? '?'})` });
          }
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('the lab did not answer within 30 s')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') done({ kind: 'not-running' });
      else done({ kind: 'error', message: e.message });
    });
    req.end(payload);
  });
}

function notRunning(stateDir: string): string {
  return `svcnet is not running (state dir ${resolve(stateDir)}). Start it with \`svcnet up${stateDir === STATE_DIR_DEFAULT ? '' : ` --state-dir ${stateDir}`}\`.`;
}

/** Prints a view's answer; returns the exit code. */
async function runView(stateDir: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<number> {
  const a = await callAdmin(stateDir, method, path, body);
  if (a.kind === 'not-running') {
    console.error(`error: ${notRunning(stateDir)}`);
    return 1;
  }
  if (a.kind === 'error') {
    console.error(`error: ${a.message}`);
    return 1;
  }
  const r = a.body as ViewResult;
  if (!r.ok) {
    console.error(`error: ${r.error}`);
    return 1;
  }
  process.stdout.write(r.stdout);
  if (r.stderr !== undefined) process.stderr.write(r.stderr);
  return r.exitCode ?? 0;
}

const nodePath = (node: string, view: string) => `/v1/nodes/${encodeURIComponent(node)}/${view}`;

export function registerLabCommands(program: Command): void {
  const stateDirOption = () => new Option('--state-dir <dir>', 'state directory of the running lab').default(STATE_DIR_DEFAULT);

  const ofctl = program.command('ofctl').description("OpenFlow views of a node's br-int (ovs-ofctl)");
  const ofViews: ReadonlyArray<[string, string]> = [
    ['dump-flows', 'flow entries with live counters (ovs-ofctl dump-flows br-int)'],
    ['dump-groups', 'select groups (ovs-ofctl dump-groups br-int)'],
    ['dump-conntrack', 'conntrack entries (ovs-appctl dpctl/dump-conntrack)'],
    ['dump-ports', 'port counters (ovs-ofctl dump-ports br-int)'],
  ];
  for (const [view, description] of ofViews) {
    ofctl
      .command(`${view} <node>`)
      .description(description)
      .addOption(stateDirOption())
      .action(async (node: string, o: { stateDir: string }) => {
        process.exitCode = await runView(o.stateDir, 'GET', nodePath(node, view));
      });
  }

  program
    .command('vsctl')
    .description("a node's Open vSwitch configuration (ovs-vsctl)")
    .command('show <node>')
    .description('bridges, ports, VLAN tags and interfaces (ovs-vsctl show)')
    .addOption(stateDirOption())
    .action(async (node: string, o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'GET', nodePath(node, 'vsctl-show'));
    });

  program
    .command('conntrack')
    .description("a node's connection tracking table (conntrack -L)")
    .option('-L, --dump', 'list the connection tracking table')
    .argument('<node>')
    .addOption(stateDirOption())
    .action(async (node: string, o: { stateDir: string; dump?: boolean }) => {
      if (o.dump !== true) {
        console.error('error: only -L (list) is supported: svcnet conntrack -L <node>');
        process.exitCode = 1;
        return;
      }
      process.exitCode = await runView(o.stateDir, 'GET', nodePath(node, 'conntrack'));
    });

  program
    .command('nft')
    .description("a node's nftables ruleset in kube-proxy mode (--proxy-mode nftables)")
    .command('list')
    .command('ruleset <node>')
    .description('the ruleset with live counters (nft list ruleset)')
    .addOption(stateDirOption())
    .action(async (node: string, o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'GET', nodePath(node, 'nft-list-ruleset'));
    });

  program
    .command('iptables-save <node>')
    .description("a node's iptables rules with packet and byte counters in kube-proxy mode (iptables-save -c; --proxy-mode iptables)")
    .addOption(stateDirOption())
    .action(async (node: string, o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'GET', nodePath(node, 'iptables-save'));
    });

  const edge = program.command('edge').description("the NSX edge node's CLI (edge1>), in the NSX lab");
  const edgeGet = edge.command('get').description('edge1> get ...');
  edgeGet
    .command('logical-router')
    .description('logical routers (DR and SR components) with their VRFs (edge1> get logical-router)')
    .addOption(stateDirOption())
    .action(async (o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'GET', '/v1/views/edge-logical-router');
    });
  edge
    .command('vrf <vrf>')
    .description("a VRF's interfaces: svcnet edge vrf 11 get interfaces (edge1> vrf 11, then get interfaces)")
    .argument('<get>', '"get"')
    .argument('<what>', '"interfaces"')
    .addOption(stateDirOption())
    .action(async (vrf: string, get: string, what: string, o: { stateDir: string }) => {
      if (get !== 'get' || what !== 'interfaces') {
        console.error(`error: only "get interfaces" is available in a VRF: svcnet edge vrf ${vrf} get interfaces`);
        process.exitCode = 1;
        return;
      }
      if (!/^\d+$/.test(vrf)) {
        console.error(`error: VRF must be a number (see svcnet edge get logical-router), got "${vrf}"`);
        process.exitCode = 1;
        return;
      }
      process.exitCode = await runView(o.stateDir, 'GET', `/v1/views/edge-vrf-interfaces?vrf=${vrf}`);
    });

  const lbGet = program.command('lb').description("the cluster's load balancer (NSX load balancer in the NSX lab, the external L4 load balancer in kube-proxy mode)").command('get');
  for (const [what, description] of [
    ['virtual-servers', 'virtual servers: VIP, port, protocol, pool'],
    ['pools', 'server pools and their members with active connections'],
  ] as const) {
    lbGet
      .command(what)
      .description(description)
      .addOption(stateDirOption())
      .action(async (o: { stateDir: string }) => {
        process.exitCode = await runView(o.stateDir, 'GET', `/v1/views/lb-${what}`);
      });
  }

  program
    .command('bgp')
    .description("the Tier-0's BGP speaker (svcnet up --bgp-peer ...)")
    .command('summary')
    .description('sessions, their state and the VIP /32s advertised')
    .addOption(stateDirOption())
    .action(async (o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'GET', '/v1/views/bgp-summary');
    });

  program
    .command('exec')
    .description('run a command (curl, ping, dig, nslookup, ...) on the external client host or a node, e.g. `svcnet exec client -- curl -s http://10.190.6.1`')
    .argument('<target>', '"client" (192.168.50.10, outside the cluster) or a node name')
    .argument('<command...>', 'the command and its arguments (put -- before them)')
    .addOption(stateDirOption())
    .action(async (target: string, command: string[], o: { stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'POST', '/v1/exec', { target, argv: command });
    });

  const proto = (v: string): string => {
    if (v !== 'tcp' && v !== 'udp' && v !== 'icmp') throw new InvalidArgumentError('must be tcp, udp or icmp');
    return v;
  };
  program
    .command('trace')
    .description('inject the first packet of a connection and show every hop it takes through the emulated network')
    .requiredOption('--from <source>', 'ns/pod, a node name (k8s-node1) or "client" (the external host)')
    .requiredOption('--to <destination>', 'IP[:PORT] or NAME[:PORT] (NAME: ns/pod, a node, "client")')
    .option('--proto <proto>', 'tcp (a SYN), udp (a datagram) or icmp (an echo request)', proto, 'tcp')
    .addOption(stateDirOption())
    .action(async (o: { from: string; to: string; proto: string; stateDir: string }) => {
      process.exitCode = await runView(o.stateDir, 'POST', '/v1/trace', { from: o.from, to: o.to, proto: o.proto });
    });
}
