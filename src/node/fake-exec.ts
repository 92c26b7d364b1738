// The handful of programs a FakeRuntime container can exec, enough for tests and for
// `kubectl exec` against the in-memory runtime (the emulator runtime brings real apps):
//   echo ARGS | hostname | cat [FILE...] (no FILE: copies stdin) | true | false | exit N
//   env | printenv [NAME] | ip addr | sleep N | sh|bash -c "CMD; CMD && CMD"
//   sh|bash (no -c): reads commands from stdin; with a tty shows the prompt "bash-4.4# "
// Files: /etc/resolv.conf, /etc/hostname, /etc/hosts.
import type { Clock, TimerHandle } from '../core/index.js';
import type { ExecIO, ExecOutcome, ExecSession } from './connector-types.js';
import type { RuntimeExecStart } from './runtime.js';

export interface FakeExecContext {
  readonly hostname: string;
  readonly ip: string;
  readonly prefixLength: number;
  readonly resolvConf: string;
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

export const FAKE_SHELL_PROMPT = 'bash-4.4# ';
const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash']);
const enc = new TextEncoder();

export function fakeFiles(ctx: FakeExecContext): Record<string, string> {
  return {
    '/etc/resolv.conf': ctx.resolvConf,
    '/etc/hostname': `${ctx.hostname}\n`,
    '/etc/hosts': `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ctx.ip}\t${ctx.hostname}\n`,
  };
}

/** Splits a command line on blanks, honouring single and double quotes. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of line) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === ' ' || ch === '\t') {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
    }
  }
  if (has || cur !== '') out.push(cur);
  return out;
}

interface Step {
  readonly out: string;
  readonly err: string;
  readonly code: number;
  /** `exit N` ends the shell. */
  readonly exit?: boolean;
  readonly sleepMs?: number;
}

/** One simple command (no stdin). Unknown programs answer like a shell: 127. */
export function runSimple(argv: readonly string[], ctx: FakeExecContext): Step {
  const [cmd, ...args] = argv;
  const files = fakeFiles(ctx);
  switch (cmd) {
    case undefined:
      return { out: '', err: '', code: 0 };
    case 'echo':
      return { out: `${args.join(' ')}\n`, err: '', code: 0 };
    case 'hostname':
      return { out: `${ctx.hostname}\n`, err: '', code: 0 };
    case 'true':
      return { out: '', err: '', code: 0 };
    case 'false':
      return { out: '', err: '', code: 1 };
    case 'exit': {
      const n = Number(args[0] ?? '0');
      return { out: '', err: '', code: Number.isInteger(n) ? n & 0xff : 2, exit: true };
    }
    case 'cat': {
      let out = '';
      let err = '';
      for (const f of args) {
        const text = files[f];
        if (text === undefined) err += `cat: ${f}: No such file or directory\n`;
        else out += text;
      }
      return { out, err, code: err === '' ? 0 : 1 };
    }
    case 'env':
    case 'printenv': {
      if (args[0] !== undefined) {
        const v = ctx.env[args[0]];
        return v === undefined ? { out: '', err: '', code: 1 } : { out: `${v}\n`, err: '', code: 0 };
      }
      return { out: Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join(''), err: '', code: 0 };
    }
    case 'ip':
      if (args[0] === 'addr' || args[0] === 'a') {
        return {
          out: `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n    inet ${ctx.ip}/${ctx.prefixLength} scope global eth0\n`,
          err: '',
          code: 0,
        };
      }
      return { out: '', err: 'Usage: ip addr\n', code: 1 };
    case 'sleep': {
      const s = Number(args[0] ?? 'x');
      if (!Number.isFinite(s) || s < 0) return { out: '', err: `sleep: invalid time interval '${args[0] ?? ''}'\n`, code: 1 };
      return { out: '', err: '', code: 0, sleepMs: s * 1000 };
    }
    default:
      return { out: '', err: `sh: ${cmd}: not found\n`, code: 127 };
  }
}

/** Splits "a; b && c" into commands; `&&` skips the rest of its chain after a failure. */
function parseScript(script: string): { argv: string[]; and: boolean }[] {
  const out: { argv: string[]; and: boolean }[] = [];
  for (const part of script.split(';')) {
    part.split('&&').forEach((c, i) => out.push({ argv: tokenize(c.trim()), and: i > 0 }));
  }
  return out;
}

class FakeProcess implements ExecSession {
  readonly done: Promise<ExecOutcome>;
  private finish!: (o: ExecOutcome) => void;
  private finished = false;
  private stdinBuf = '';
  private timer: TimerHandle | undefined;
  private lastCode = 0;

  constructor(
    private readonly argv: readonly string[],
    private readonly tty: boolean,
    private readonly io: ExecIO,
    private readonly ctx: FakeExecContext,
  ) {
    this.done = new Promise((r) => (this.finish = r));
  }

  start(): void {
    const [cmd, ...args] = this.argv;
    if (cmd !== undefined && SHELLS.has(cmd)) {
      if (args[0] === '-c') return void this.runScript(args[1] ?? '');
      if (this.tty) this.out(FAKE_SHELL_PROMPT);
      return; // interactive: driven by stdin
    }
    if (cmd === 'cat' && args.length === 0) return; // copies stdin until it closes
    void this.runScript(this.argv.map((a) => (/[\s;&]/.test(a) ? `"${a}"` : a)).join(' '));
  }

  stdin(data: Uint8Array): void {
    if (this.finished) return;
    const text = Buffer.from(data).toString('utf8');
    if (this.argv[0] === 'cat') return this.out(text);
    this.stdinBuf += text.replace(/\r/g, '\n');
    if (this.tty) this.out(text.replace(/\r/g, '\r\n'));
    let nl: number;
    while ((nl = this.stdinBuf.indexOf('\n')) !== -1 && !this.finished) {
      const line = this.stdinBuf.slice(0, nl);
      this.stdinBuf = this.stdinBuf.slice(nl + 1);
      void this.runScript(line, true);
    }
  }

  closeStdin(): void {
    if (this.argv[0] === 'cat' || SHELLS.has(this.argv[0] ?? '')) this.end({ kind: 'exited', exitCode: this.lastCode });
  }

  resize(): void {}

  kill(): void {
    this.end({ kind: 'exited', exitCode: 137 });
  }

  private out(s: string): void {
    if (s !== '') this.io.stdout(enc.encode(this.tty ? s.replace(/(?<!\r)\n/g, '\r\n') : s));
  }

  private errOut(s: string): void {
    if (s === '') return;
    if (this.tty) this.out(s);
    else this.io.stderr(enc.encode(s));
  }

  private end(o: ExecOutcome): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.finish(o);
  }

  private async runScript(script: string, interactive = false): Promise<void> {
    let skipChain = false;
    for (const { argv, and } of parseScript(script)) {
      if (this.finished) return;
      if (and && skipChain) continue;
      const step = runSimple(argv, this.ctx);
      this.out(step.out);
      this.errOut(step.err);
      if (step.sleepMs !== undefined && step.sleepMs > 0) {
        await new Promise<void>((r) => (this.timer = this.ctx.clock.setTimeout(r, step.sleepMs!)));
      }
      this.lastCode = step.code;
      skipChain = step.code !== 0;
      if (step.exit === true) return this.end({ kind: 'exited', exitCode: step.code });
    }
    if (!interactive) this.end({ kind: 'exited', exitCode: this.lastCode });
    else if (this.tty) this.out(FAKE_SHELL_PROMPT);
  }
}

/** Starts a fake process; an unknown program fails to start as an OCI runtime would say. */
export function startFakeExec(argv: readonly string[], tty: boolean, io: ExecIO, ctx: FakeExecContext): RuntimeExecStart {
  const cmd = argv[0];
  const known = cmd !== undefined && (SHELLS.has(cmd) || runSimple([cmd, 'x'], ctx).code !== 127);
  if (!known) {
    return { kind: 'error', message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd ?? ''}": executable file not found in $PATH: unknown` };
  }
  const p = new FakeProcess(argv, tty, io, ctx);
  // Let the caller wire its output before the first byte.
  queueMicrotask(() => p.start());
  return { kind: 'started', session: p };
}

/** Runs a command to completion without stdin (exec probes). */
export async function runFakeCommand(argv: readonly string[], ctx: FakeExecContext): Promise<{ readonly exitCode: number; readonly output: string } | { readonly error: string }> {
  let output = '';
  const io: ExecIO = { stdout: (d) => (output += Buffer.from(d).toString('utf8')), stderr: (d) => (output += Buffer.from(d).toString('utf8')) };
  const s = startFakeExec(argv, false, io, ctx);
  if (s.kind === 'error') return { error: s.message };
  const o = await s.session.done;
  return o.kind === 'exited' ? { exitCode: o.exitCode, output } : { error: o.message };
}
