// Test scaffolding: three pods on one learning switch under a FakeClock (the article's
// client `nwtest-...` 172.25.5.4, the web pod `nsxtestapp-...-pmkw6` 172.25.5.3, and a
// DNS pod 172.25.5.10 running a tiny authoritative server written with dns-packet), plus
// helpers to run commands and collect what they print.
import { decode, encode, type Answer, type DecodedPacket } from 'dns-packet';
import { FakeClock } from '../../core/clock.js';
import { formatIPv4 } from '../../core/ip.js';
import { unwrap } from '../../core/result.js';
import type { HostNic, HostStack, TcpSocket } from '../host/index.js';
import { makeHost, runFor, runUntil, TestSwitch, type Impairment } from '../host/testing.js';
import { InputPipe, type AppContext, type CommandIO } from './app-context.js';

export const CLIENT_IP = '172.25.5.4';
export const WEB_IP = '172.25.5.3';
export const DNS_IP = '172.25.5.10';
export const CLIENT_POD = 'nwtest-5bf9856644-7wwsl';
export const WEB_POD = 'nsxtestapp-5bfcc97b5-pmkw6';
export const RESOLV_CONF = `nameserver ${DNS_IP}\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`;

export interface DnsServerOptions {
  /** name -> IPv4 (A records). */
  readonly records: Readonly<Record<string, string>>;
  /** Names answered with TC over UDP (full answer over TCP). */
  readonly truncate?: readonly string[];
  /** Receive queries but never answer (a wedged server / a firewall drop). */
  readonly silent?: boolean;
}

/** A tiny authoritative DNS server on UDP and TCP :53 of `stack`. Returns the log of questions. */
export function startTestDns(stack: HostStack, opts: DnsServerOptions): { queries: string[]; tcpQueries: string[] } {
  const queries: string[] = [];
  const tcpQueries: string[] = [];
  const answer = (q: DecodedPacket, viaTcp: boolean): Buffer => {
    const question = q.questions?.[0];
    const name = (question?.name ?? '').toLowerCase();
    const ip = opts.records[name];
    const truncated = !viaTcp && (opts.truncate ?? []).includes(name);
    const answers: Answer[] = ip !== undefined && question?.type === 'A' && !truncated ? [{ type: 'A', name: question.name, ttl: 5, class: 'IN', data: ip }] : [];
    const nx = ip === undefined;
    const authorities: Answer[] = nx
      ? [{ type: 'SOA', name: 'cluster.local', ttl: 5, class: 'IN', data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1767225600, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } }]
      : [];
    // aa, rd echoed, no ra (as CoreDNS for its zone); rcode NXDOMAIN for unknown names.
    const flags = 0x0400 | (q.flag_rd ? 0x0100 : 0) | (truncated ? 0x0200 : 0) | (nx ? 3 : 0);
    return encode({ type: 'response', id: q.id ?? 0, flags, questions: q.questions ?? [], answers, authorities });
  };
  const udp = unwrap(stack.udpBind(53));
  udp.onMessage((m) => {
    let q: DecodedPacket;
    try {
      q = decode(Buffer.from(m.data));
    } catch {
      return;
    }
    queries.push(q.questions?.[0]?.name ?? '');
    if (opts.silent === true) return;
    udp.sendTo(new Uint8Array(answer(q, false)), m.address, m.port);
  });
  unwrap(
    stack.listen(53, (s: TcpSocket) => {
      let buf = Buffer.alloc(0);
      s.onData((c) => {
        buf = Buffer.concat([buf, Buffer.from(c)]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const q = decode(buf.subarray(2, 2 + len));
          buf = buf.subarray(2 + len);
          tcpQueries.push(q.questions?.[0]?.name ?? '');
          const r = answer(q, true);
          const framed = Buffer.alloc(r.length + 2);
          framed.writeUInt16BE(r.length, 0);
          r.copy(framed, 2);
          s.write(new Uint8Array(framed));
        }
      });
      s.onEnd(() => s.end());
    }),
  );
  return { queries, tcpQueries };
}

export interface Pod {
  readonly stack: HostStack;
  readonly eth0: HostNic;
  readonly ctx: AppContext;
  readonly logs: string[];
}

export interface Lab {
  readonly clock: FakeClock;
  readonly sw: TestSwitch;
  readonly client: Pod;
  readonly web: Pod;
  readonly dns: Pod;
  pod(name: string, cidr: string, resolvConf?: string): Pod;
}

export function makeLab(imp: Impairment = {}, resolvConf = RESOLV_CONF): Lab {
  const clock = new FakeClock(Date.UTC(2026, 10, 26, 5, 0, 0));
  const sw = new TestSwitch(clock, imp);
  const pod = (name: string, cidr: string, rc = resolvConf): Pod => {
    const { stack, eth0 } = makeHost(clock, name, cidr);
    sw.plug(eth0);
    const logs: string[] = [];
    const ctx: AppContext = { stack, podName: name, podIP: eth0.address, resolvConf: rc, hostname: name, clock, log: (l) => logs.push(l) };
    return { stack, eth0, ctx, logs };
  };
  const client = pod(CLIENT_POD, `${CLIENT_IP}/24`);
  const web = pod(WEB_POD, `${WEB_IP}/24`);
  const dns = pod('coredns-fb8b8dccf-fklnx', `${DNS_IP}/24`);
  // Let the gratuitous ARPs of link-up pass.
  clock.advance(1);
  return { clock, sw, client, web, dns, pod };
}

export interface Captured {
  readonly io: CommandIO & { readonly stdin: InputPipe };
  /** Everything written to stdout / stderr so far. */
  out(): string;
  err(): string;
  /** stdout and stderr interleaved as a terminal shows them. */
  screen(): string;
}

export function capture(signal?: AbortSignal): Captured {
  let out = '';
  let err = '';
  let screen = '';
  const stdin = new InputPipe();
  return {
    io: {
      stdout: (s) => {
        out += s;
        screen += s;
      },
      stderr: (s) => {
        err += s;
        screen += s;
      },
      stdin,
      ...(signal === undefined ? {} : { signal }),
    },
    out: () => out,
    err: () => err,
    screen: () => screen,
  };
}

/** Runs the clock in 1 ms steps until p settles (timers see exact times, so do the printed figures). */
export function run<T>(lab: Lab, p: Promise<T>, maxMs = 120_000, stepMs = 1): Promise<T> {
  return runUntil(lab.clock, p, maxMs, stepMs);
}

/** Lets ms of clock time pass (1 ms steps). */
export function advance(lab: Lab, ms: number): Promise<void> {
  return runFor(lab.clock, ms);
}

export function ipText(p: Pod): string {
  return formatIPv4(p.eth0.address);
}
