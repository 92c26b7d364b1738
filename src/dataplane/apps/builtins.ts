// The small tools of the network-test images besides the network clients: cat of the
// few files a pod has that matter here, echo, hostname, sleep, ip, true/false, and the
// filters people pipe curl into (grep, head, tail, wc). Wording follows busybox.
import { formatIPv4 } from '../../core/ip.js';
import { formatIpAddr, formatIpLink, formatIpNeigh, formatIpRoute } from '../host/index.js';
import { EXIT_INTERRUPTED, type AppContext, type CommandFn } from './app-context.js';
import { kubeletHostsFile } from './resolv-conf.js';
import { sleep as sleepFor } from './wait.js';

/** The pod's files; undefined = no such file. */
export function readFile(ctx: AppContext, path: string): string | undefined {
  switch (path.replace(/\/+$/, '')) {
    case '/etc/resolv.conf':
      return ctx.resolvConf;
    case '/etc/hosts':
      return ctx.hostsFile ?? kubeletHostsFile(ctx.podIP, ctx.hostname);
    case '/etc/hostname':
    case '/proc/sys/kernel/hostname':
      return `${ctx.hostname}\n`;
    case '/dev/null':
      return '';
    default:
      return undefined;
  }
}

const cat: CommandFn = async (argv, p) => {
  const files = argv.slice(1).filter((a) => a === '-' || !a.startsWith('-'));
  if (files.length === 0) files.push('-');
  let status = 0;
  for (const f of files) {
    const text = f === '-' ? (p.input ?? '') : readFile(p.ctx, f);
    if (text === undefined) {
      p.err(`cat: can't open '${f}': No such file or directory\n`);
      status = 1;
    } else p.out(text);
  }
  return status;
};

function unescapeEcho(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b' };
    if (n === 'c') return { text: out, stop: true };
    out += map[n] ?? `\\${n}`;
  }
  return { text: out, stop: false };
}

const echo: CommandFn = async (argv, p) => {
  let newline = true;
  let escapes = false;
  let i = 1;
  for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
    for (const f of argv[i]!.slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const u = unescapeEcho(text);
    text = u.text;
    if (u.stop) newline = false;
  }
  p.out(newline ? `${text}\n` : text);
  return 0;
};

const hostname: CommandFn = async (argv, p) => {
  if (argv[1] === '-i' || argv[1] === '-I') p.out(`${formatIPv4(p.ctx.podIP)}\n`);
  else p.out(`${p.ctx.hostname}\n`);
  return 0;
};

const sleep: CommandFn = async (argv, p) => {
  let total = 0;
  const args = argv.slice(1);
  if (args.length === 0) {
    p.err('sleep: missing operand\n');
    return 1;
  }
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (m === null) {
      p.err(`sleep: invalid number '${a}'\n`);
      return 1;
    }
    const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    total += Number(m[1]) * mult * 1000;
  }
  return (await sleepFor(p.ctx.clock, total, p.signal)) ? 0 : EXIT_INTERRUPTED;
};

const IP_USAGE =
  'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n' +
  'where  OBJECT := { address | link | neighbor | route }\n' +
  '       OPTIONS := { -s[tatistics] }\n';

const ip: CommandFn = async (argv, p) => {
  const args = argv.slice(1);
  let stats = false;
  while (args[0]?.startsWith('-') === true) {
    const o = args.shift()!;
    if (o === '-s' || o === '-stats' || o === '-statistics') stats = true;
    else if (o !== '-4') {
      p.err(`Option "${o}" is unknown, try "ip -help".\n`);
      return 255;
    }
  }
  const obj = args[0];
  const sub = args[1];
  if (obj === undefined) {
    p.err(IP_USAGE);
    return 255;
  }
  if (sub !== undefined && sub !== 'show' && sub !== 'list' && sub !== 'ls') {
    p.err(`Command "${sub}" is unknown, try "ip ${obj} help".\n`);
    return 255;
  }
  const stack = p.ctx.stack;
  const is = (full: string): boolean => obj.length >= 1 && full.startsWith(obj);
  if (obj === 'a' || is('address') || obj === 'addr') p.out(formatIpAddr(stack));
  else if (obj === 'r' || is('route')) p.out(formatIpRoute(stack));
  else if (obj === 'l' || is('link')) p.out(formatIpLink(stack, { stats }));
  else if (obj === 'n' || is('neighbour') || is('neighbor')) p.out(formatIpNeigh(stack));
  else {
    p.err(`Object "${obj}" is unknown, try "ip help".\n`);
    return 1;
  }
  return 0;
};

function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

const grep: CommandFn = async (argv, p) => {
  let ignoreCase = false;
  let invert = false;
  let count = false;
  let quiet = false;
  let fixed = false;
  const rest: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^-[ivcqEF]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'i') ignoreCase = true;
        else if (f === 'v') invert = true;
        else if (f === 'c') count = true;
        else if (f === 'q') quiet = true;
        else if (f === 'F') fixed = true;
      }
    } else rest.push(a);
  }
  const pattern = rest[0];
  if (pattern === undefined) {
    p.err('Usage: grep [-ivcqEF] PATTERN [FILE]...\n');
    return 2;
  }
  let text = p.input ?? '';
  if (rest.length > 1) {
    const t = readFile(p.ctx, rest[1]!);
    if (t === undefined) {
      p.err(`grep: ${rest[1]}: No such file or directory\n`);
      return 2;
    }
    text = t;
  }
  let re: RegExp;
  try {
    re = new RegExp(fixed ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern, ignoreCase ? 'i' : '');
  } catch {
    re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ignoreCase ? 'i' : '');
  }
  const hits = lines(text).filter((l) => re.test(l) !== invert);
  if (count) p.out(`${hits.length}\n`);
  else if (!quiet) for (const h of hits) p.out(`${h}\n`);
  return hits.length > 0 ? 0 : 1;
};

function countArg(argv: readonly string[]): { n: number; file: string | undefined } | undefined {
  let n = 10;
  let file: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-n') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) return undefined;
      n = v;
    } else if (/^-n?\d+$/.test(a)) n = Number(a.replace(/^-n?/, ''));
    else file = a;
  }
  return { n, file };
}

function headTail(which: 'head' | 'tail'): CommandFn {
  return async (argv, p) => {
    const c = countArg(argv);
    if (c === undefined) {
      p.err(`${which}: invalid number\n`);
      return 1;
    }
    const text = c.file === undefined ? (p.input ?? '') : readFile(p.ctx, c.file);
    if (text === undefined) {
      p.err(`${which}: can't open '${c.file}': No such file or directory\n`);
      return 1;
    }
    const l = lines(text);
    const pick = which === 'head' ? l.slice(0, c.n) : c.n === 0 ? [] : l.slice(-c.n);
    for (const x of pick) p.out(`${x}\n`);
    return 0;
  };
}

const wc: CommandFn = async (argv, p) => {
  const text = p.input ?? '';
  const counts = { l: (text.match(/\n/g) ?? []).length, w: text.split(/\s+/).filter((w) => w !== '').length, c: new TextEncoder().encode(text).length };
  const flags = argv.slice(1).filter((a) => a.startsWith('-')).join('').replace(/-/g, '');
  const pick = (flags === '' ? 'lwc' : flags).split('').filter((f): f is 'l' | 'w' | 'c' => f === 'l' || f === 'w' || f === 'c');
  p.out(pick.map((f) => String(counts[f]).padStart(pick.length > 1 ? 7 : 0)).join(' ') + '\n');
  return 0;
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const date: CommandFn = async (_argv, p) => {
  const d = new Date(p.ctx.clock.now());
  const p2 = (n: number): string => String(n).padStart(2, '0');
  p.out(`${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}\n`);
  return 0;
};

/** The container's environment as a program sees it (the shell's own `env` shows its variables). */
export function containerEnv(ctx: AppContext, tty: boolean): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: ctx.hostname,
    ...(tty ? { TERM: 'xterm' } : {}),
    HOME: '/root',
    ...ctx.env,
  };
}

const env: CommandFn = async (_argv, p) => {
  for (const [k, v] of Object.entries(containerEnv(p.ctx, p.tty))) p.out(`${k}=${v}\n`);
  return 0;
};

export const BUILTIN_COMMANDS: Readonly<Record<string, CommandFn>> = {
  cat,
  echo,
  hostname,
  sleep,
  ip,
  grep,
  head: headTail('head'),
  tail: headTail('tail'),
  wc,
  date,
  env,
  printenv: env,
  true: async () => 0,
  false: async () => 1,
  whoami: async (_a, p) => (p.out('root\n'), 0),
  pwd: async (_a, p) => (p.out('/\n'), 0),
  clear: async (_a, p) => (p.out('\x1b[H\x1b[2J'), 0),
};
