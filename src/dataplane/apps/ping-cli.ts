// ping as busybox prints it (the article's pod runs a busybox-style userland):
//   PING nsxtestservice.demons.svc.cluster.local (10.101.129.209): 56 data bytes
//   64 bytes from 172.25.5.3: seq=0 ttl=63 time=0.512 ms
//   <blank>--- nsxtestservice.demons.svc.cluster.local ping statistics ---
//   9 packets transmitted, 0 packets received, 100% packet loss
//   round-trip min/avg/max = 0.401/0.456/0.512 ms        (only when something came back)
// The name shown is the one that resolved (the search-expanded FQDN), as in the article.
// One echo per -i interval (1 s); with -c N, after the last one busybox waits -W seconds
// (10) if nothing came back yet, else about two of the slowest round trips, and stops as
// soon as N replies are in. ICMP errors are not printed (busybox needs -v for that).
// Exit status 0 when anything came back, else 1.
//
// Without a terminal (kubectl exec without -t) and without -c the count defaults to 4,
// so a scripted `kubectl exec pod -- ping x` ends. With a terminal it runs until Ctrl-C;
// the terminal has then already echoed "^C", and the statistics follow on the same line
// ("^C--- name ping statistics ---", exactly as in the article's transcript).
import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { strerror, type PingOutcome } from '../host/index.js';
import { EXIT_INTERRUPTED, interrupted, type Proc } from './app-context.js';
import { kubeletHostsFile, parseHosts, parseResolvConf } from './resolv-conf.js';
import { StubResolver } from './resolver.js';
import { waitFor } from './wait.js';

export const NON_TTY_DEFAULT_COUNT = 4;

const USAGE =
  'BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\n' +
  'Usage: ping [OPTIONS] HOST\n\n' +
  'Send ICMP ECHO_REQUESTs to HOST\n\n' +
  '\t-c CNT\t\tSend only CNT pings\n' +
  '\t-s SIZE\t\tSend SIZE data bytes in packets (default 56)\n' +
  '\t-i SECS\t\tInterval\n' +
  '\t-w SEC\t\tRun for up to SEC seconds\n' +
  '\t-W SEC\t\tWait up to SEC seconds for the first response (default 10)\n' +
  '\t-q\t\tQuiet, only display output at start/finish\n';

interface PingArgs {
  host: string;
  count?: number;
  size: number;
  intervalMs: number;
  deadlineMs?: number;
  waitMs: number;
  quiet: boolean;
}

function parse(argv: readonly string[]): PingArgs | string {
  const o: Partial<PingArgs> & { size: number; intervalMs: number; waitMs: number; quiet: boolean } = { size: 56, intervalMs: 1000, waitMs: 10_000, quiet: false };
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      if (o.host !== undefined) return USAGE;
      o.host = a;
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'q') o.quiet = true;
      else if (f === '4' || f === 'n') continue;
      else if ('cswWi'.includes(f)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return `ping: option requires an argument -- '${f}'\n${USAGE}`;
        const n = Number(v);
        const integer = f !== 'i';
        if (v === '' || Number.isNaN(n) || n < 0 || (integer && !Number.isInteger(n))) return `ping: invalid number '${v}'\n`;
        if (f === 'c') o.count = n;
        else if (f === 's') o.size = n;
        else if (f === 'w') o.deadlineMs = n * 1000;
        else if (f === 'W') o.waitMs = n * 1000;
        else o.intervalMs = Math.max(10, n * 1000);
        break;
      } else return `ping: invalid option -- '${f}'\n${USAGE}`;
    }
  }
  if (o.host === undefined) return USAGE;
  return o as PingArgs;
}

function usec(ms: number): number {
  return Math.round(ms * 1000);
}

function fmtUs(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

export async function ping(argv: readonly string[], p: Proc): Promise<number> {
  const a = parse(argv);
  if (typeof a === 'string') {
    p.err(a);
    return 1;
  }
  const { ctx } = p;
  const resolver = new StubResolver({ stack: ctx.stack, clock: ctx.clock, conf: parseResolvConf(ctx.resolvConf), hosts: parseHosts(ctx.hostsFile ?? kubeletHostsFile(ctx.podIP, ctx.hostname)) });
  const r = await resolver.lookup(a.host, p.signal);
  if (r.kind === 'aborted') return EXIT_INTERRUPTED;
  if (r.kind !== 'found') {
    p.err(`ping: bad address '${a.host}'\n`);
    return 1;
  }
  const name = r.name;
  const dst: IPv4 = r.addresses[0]!;
  const count = a.count ?? (p.tty ? undefined : NON_TTY_DEFAULT_COUNT);
  const clock = ctx.clock;
  p.out(`PING ${name} (${formatIPv4(dst)}): ${a.size} data bytes\n`);

  const ident = Math.floor(ctx.stack.random() * 0x10000);
  const start = clock.now();
  let tx = 0;
  let rx = 0;
  let tmin = Number.POSITIVE_INFINITY;
  let tmax = 0;
  let tsum = 0;
  let finished = false;
  let sendError: string | undefined;
  let wake: (() => void) | undefined;
  const onOutcome = (o: PingOutcome): void => {
    if (finished) return;
    if (o.kind === 'send-error') sendError = `ping: sendto: ${strerror(o.error)}\n`;
    if (o.kind === 'reply') {
      const us = usec(o.rttMs);
      rx++;
      tmin = Math.min(tmin, us);
      tmax = Math.max(tmax, us);
      tsum += us;
      if (!a.quiet) p.out(`${o.bytes} bytes from ${formatIPv4(o.from)}: seq=${o.seq} ttl=${o.ttl} time=${fmtUs(us)} ms\n`);
    }
    wake?.();
  };

  let nextSend = start;
  let lastWaitEnd: number | undefined;
  for (;;) {
    const now = clock.now();
    if (lastWaitEnd === undefined && now >= nextSend) {
      const seq = tx++;
      // A generous per-echo timeout: late replies still count until ping exits.
      ctx.stack.ping(dst, { ident, seq, size: a.size, timeoutMs: 3_600_000 }).then(onOutcome, () => undefined);
      nextSend += a.intervalMs;
      if (count !== undefined && tx >= count) {
        const expireMs = rx > 0 ? Math.max(1, Math.floor((2 * tmax) / 1_000_000)) * 1000 : a.waitMs;
        lastWaitEnd = clock.now() + expireMs;
      }
    }
    if (sendError !== undefined) {
      finished = true;
      p.err(sendError);
      return 1;
    }
    if (count !== undefined && rx >= count) break;
    const until = Math.min(lastWaitEnd ?? nextSend, a.deadlineMs === undefined ? Number.POSITIVE_INFINITY : start + a.deadlineMs);
    if (clock.now() >= until && lastWaitEnd !== undefined) break;
    if (a.deadlineMs !== undefined && clock.now() >= start + a.deadlineMs) break;
    const woke = new Promise<void>((resolve) => (wake = resolve));
    const w = await waitFor(clock, woke, Math.max(0, until - clock.now()), p.signal);
    wake = undefined;
    if (w.kind === 'aborted') break;
  }
  finished = true;
  if (p.signal.aborted && !interrupted(p.signal)) return EXIT_INTERRUPTED;
  // After an interactive Ctrl-C the echoed "^C" stands where busybox's leading newline goes.
  const lead = interrupted(p.signal) ? '' : '\n';
  const loss = tx === 0 ? 0 : Math.floor(((tx - rx) * 100) / tx);
  let out = `${lead}--- ${name} ping statistics ---\n${tx} packets transmitted, ${rx} packets received, ${loss}% packet loss\n`;
  if (rx > 0) out += `round-trip min/avg/max = ${fmtUs(tmin)}/${fmtUs(Math.floor(tsum / rx))}/${fmtUs(tmax)} ms\n`;
  p.out(out);
  const deadlineShort = a.deadlineMs !== undefined && count !== undefined && rx < count;
  return rx === 0 || deadlineShort ? 1 : 0;
}
