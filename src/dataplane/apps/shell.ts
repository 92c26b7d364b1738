// The shell of the network-test images (dumlutimuralp/networktest: bash 4.4, prompt
// "bash-4.4# "; busybox-like images: ash, prompt "/ # ") and `kubectl exec` entry:
//   runCommand(['curl', '-s', '10.1.2.3'], io, ctx)      exec POD -- curl -s 10.1.2.3
//   runCommand(['bash', '-c', 'cmd; cmd'], io, ctx)      exec POD -- bash -c '...'
//   runCommand(['bash'], io, ctx, { tty: true })         exec -it POD -- bash
// With a tty, output goes through the terminal's \n -> \r\n mapping, typed input is
// echoed, Ctrl-C (0x03) interrupts the running command (the terminal shows ^C) or
// discards the line being typed, Ctrl-D on an empty line ends the shell.
import type { AppContext, CommandFn, CommandIO, Proc } from './app-context.js';
import { EXIT_INTERRUPTED, interrupted } from './app-context.js';
import { BUILTIN_COMMANDS, containerEnv, readFile } from './builtins.js';
import { dig } from './dig.js';
import { curl } from './http-client.js';
import { LineEditor } from './line-editor.js';
import { nslookup } from './nslookup.js';
import { ping } from './ping-cli.js';
import { expandWord, parseScript, type Pipeline, type SimpleCommand } from './shell-parse.js';

export type ShellKind = 'bash' | 'ash';

export interface ShellOptions {
  readonly tty?: boolean;
  /** Which shell the image has (default bash). */
  readonly shell?: ShellKind;
}

interface Flavor {
  readonly prompt: string;
  /** Names that start this shell. */
  readonly names: readonly string[];
  readonly self: string;
  readonly notFound: (cmd: string) => string;
  readonly unterminated: (quote: string) => string;
  readonly unexpected: (token: string) => string;
}

const FLAVORS: Record<ShellKind, Flavor> = {
  bash: {
    prompt: 'bash-4.4# ',
    names: ['bash', 'sh'],
    self: 'bash',
    notFound: (c) => `bash: ${c}: command not found\n`,
    unterminated: (q) => `bash: unexpected EOF while looking for matching \`${q}'\nbash: syntax error: unexpected end of file\n`,
    unexpected: (t) => `bash: syntax error near unexpected token \`${t}'\n`,
  },
  ash: {
    prompt: '/ # ',
    names: ['sh', 'ash'],
    self: 'sh',
    notFound: (c) => `sh: ${c}: not found\n`,
    unterminated: () => 'sh: syntax error: unterminated quoted string\n',
    unexpected: (t) => `sh: syntax error: unexpected "${t}"\n`,
  },
};

/** Every program the shell images carry. */
export const COMMANDS: Readonly<Record<string, CommandFn>> = { ...BUILTIN_COMMANDS, curl, ping, nslookup, dig };

const BIN_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/local/bin/', '/usr/local/sbin/'];

/** "/usr/bin/curl" -> "curl" when it names a program in a bin directory. */
function programName(arg0: string): string | undefined {
  if (!arg0.includes('/')) return arg0;
  const dir = BIN_DIRS.find((d) => arg0.startsWith(d) && !arg0.slice(d.length).includes('/'));
  return dir === undefined ? undefined : arg0.slice(dir.length);
}

/** The terminal's output post-processing (termios ONLCR). */
function onlcr(write: (s: string) => void): (s: string) => void {
  return (s) => write(s.replace(/(?<!\r)\n/g, '\r\n'));
}

type RunResult = { readonly kind: 'status'; readonly code: number } | { readonly kind: 'exit'; readonly code: number };

interface Streams {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly input?: string;
}

class ShellSession {
  status = 0;
  private readonly vars = new Map<string, string>();

  constructor(
    private readonly ctx: AppContext,
    private readonly flavor: Flavor,
    private readonly out: (s: string) => void,
    private readonly err: (s: string) => void,
    private readonly tty: boolean,
  ) {
    for (const [k, v] of Object.entries({ ...containerEnv(ctx, tty), PWD: '/', SHLVL: '1' })) this.vars.set(k, v);
  }

  private lookup(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return '1';
    if (name === '#') return '0';
    if (name === '0') return this.flavor.self;
    return this.vars.get(name) ?? '';
  }

  async runSource(src: string, signal: AbortSignal): Promise<RunResult> {
    const parsed = parseScript(src);
    if (parsed.kind === 'error') {
      const e = parsed.error;
      this.err(e.kind === 'unterminated' ? this.flavor.unterminated(e.quote) : this.flavor.unexpected(e.token));
      this.status = 2;
      return { kind: 'status', code: 2 };
    }
    for (const andOr of parsed.script) {
      let r = await this.runPipeline(andOr.first, signal);
      if (r.kind === 'exit') return r;
      for (const next of andOr.rest) {
        if (signal.aborted) break;
        if ((next.op === '&&') !== (this.status === 0)) continue;
        r = await this.runPipeline(next.pipeline, signal);
        if (r.kind === 'exit') return r;
      }
      // Ctrl-C ends the whole line, as SIGINT to the foreground job does.
      if (signal.aborted) break;
    }
    return { kind: 'status', code: this.status };
  }

  private async runPipeline(cmds: Pipeline, signal: AbortSignal): Promise<RunResult> {
    let input: string | undefined;
    for (const [i, cmd] of cmds.entries()) {
      const last = i === cmds.length - 1;
      let captured = '';
      const streams: Streams = {
        out: last ? this.out : (s) => (captured += s),
        err: this.err,
        ...(input === undefined ? {} : { input }),
      };
      const r = await this.runSimple(cmd, streams, signal);
      // Pipeline members run in subshells: only a lone `exit` leaves the shell.
      if (r.kind === 'exit' && cmds.length === 1) return r;
      this.status = r.code;
      input = captured;
      if (signal.aborted) break;
    }
    return { kind: 'status', code: this.status };
  }

  private async runSimple(cmd: SimpleCommand, s: Streams, signal: AbortSignal): Promise<RunResult> {
    const words = cmd.words.map((w) => expandWord(w, (n) => this.lookup(n)));
    let out = s.out;
    let err = s.err;
    let input = s.input;
    for (const r of cmd.redirects) {
      if (r.kind === 'dup') {
        if (r.fd === 2 && r.to === 1) err = out;
        else if (r.fd === 1 && r.to === 2) out = err;
        continue;
      }
      const target = expandWord(r.target, (n) => this.lookup(n));
      if (r.kind === 'input') {
        const text = readFile(this.ctx, target);
        if (text === undefined) {
          s.err(`${this.flavor.self}: ${target}: No such file or directory\n`);
          return { kind: 'status', code: 1 };
        }
        input = text;
      } else if (target === '/dev/null') {
        if (r.fd === 1) out = () => undefined;
        else if (r.fd === 2) err = () => undefined;
      } else {
        // There is no writable filesystem in an emulated container.
        s.err(`${this.flavor.self}: ${target}: Read-only file system\n`);
        return { kind: 'status', code: 1 };
      }
    }
    // NAME=value words before the command are assignments (kept for the session).
    while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
      const w = words.shift()!;
      const eq = w.indexOf('=');
      this.vars.set(w.slice(0, eq), w.slice(eq + 1));
    }
    const arg0 = words[0];
    if (arg0 === undefined) return { kind: 'status', code: 0 };
    switch (arg0) {
      case 'exit': {
        const a = words[1];
        if (a === undefined) return { kind: 'exit', code: this.status };
        if (!/^-?\d+$/.test(a)) {
          err(`${this.flavor.self}: exit: ${a}: numeric argument required\n`);
          return { kind: 'exit', code: 2 };
        }
        return { kind: 'exit', code: ((Number(a) % 256) + 256) % 256 };
      }
      case 'cd':
        if (words[1] === undefined || words[1] === '/' || words[1] === '~' || words[1] === '/root') return { kind: 'status', code: 0 };
        err(`${this.flavor.self}: cd: ${words[1]}: No such file or directory\n`);
        return { kind: 'status', code: 1 };
      case 'export':
        for (const w of words.slice(1)) {
          const eq = w.indexOf('=');
          if (eq > 0) this.vars.set(w.slice(0, eq), w.slice(eq + 1));
        }
        return { kind: 'status', code: 0 };
      case 'env':
      case 'printenv':
        for (const [k, v] of this.vars) out(`${k}=${v}\n`);
        return { kind: 'status', code: 0 };
      default:
        break;
    }
    const name = programName(arg0);
    if (name !== undefined && this.flavor.names.includes(name)) {
      if (words[1] === '-c' && words[2] !== undefined) {
        const sub = new ShellSession(this.ctx, this.flavor, out, err, this.tty);
        const r = await sub.runSource(words[2], signal);
        return { kind: 'status', code: r.code };
      }
      err(`${this.flavor.self}: nested interactive shells are not emulated\n`);
      return { kind: 'status', code: 1 };
    }
    const fn = name === undefined ? undefined : COMMANDS[name];
    if (fn === undefined) {
      err(arg0.includes('/') ? `${this.flavor.self}: ${arg0}: No such file or directory\n` : this.flavor.notFound(arg0));
      return { kind: 'status', code: 127 };
    }
    const proc: Proc = { ctx: this.ctx, out, err, signal, tty: this.tty, ...(input === undefined ? {} : { input }) };
    try {
      return { kind: 'status', code: await fn(words, proc) };
    } catch (e: unknown) {
      err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      return { kind: 'status', code: 1 };
    }
  }
}

/**
 * Runs `fn` as the foreground job: the runtime's signal terminates it; with a tty,
 * 0x03 on stdin interrupts it (echoed as ^C). Returns what fn returns.
 */
async function foreground<T>(io: CommandIO, tty: boolean, echo: (s: string) => void, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const job = new AbortController();
  const onTerminate = (): void => job.abort('terminate');
  if (io.signal?.aborted === true) job.abort('terminate');
  io.signal?.addEventListener('abort', onTerminate, { once: true });
  const stop =
    tty && io.stdin !== undefined
      ? io.stdin.read((chunk) => {
          if (chunk.includes('\x03') && !job.signal.aborted) {
            echo('^C');
            job.abort('interrupt');
          }
        })
      : undefined;
  try {
    return await fn(job.signal);
  } finally {
    stop?.();
    io.signal?.removeEventListener('abort', onTerminate);
  }
}

const OCI_NOT_FOUND = (cmd: string): string =>
  `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown\n`;

/** `kubectl exec POD -- argv...`: one program (or a shell) with the exec's streams. */
export async function runCommand(argv: readonly string[], io: CommandIO, ctx: AppContext, opts: ShellOptions = {}): Promise<number> {
  const tty = opts.tty ?? false;
  const flavor = FLAVORS[opts.shell ?? 'bash'];
  const out = tty ? onlcr(io.stdout) : io.stdout;
  const err = tty ? onlcr(io.stderr) : io.stderr;
  const arg0 = argv[0];
  if (arg0 === undefined) {
    err('OCI runtime exec failed: exec failed: unable to start container process: exec: no command: unknown\n');
    return 126;
  }
  const name = programName(arg0);
  if (name !== undefined && flavor.names.includes(name)) {
    const rest = argv.slice(1).filter((a) => a !== '-l' && a !== '-i' && a !== '--login');
    if (rest[0] === '-c') {
      if (rest[1] === undefined) {
        err(`${flavor.self}: -c: option requires an argument\n`);
        return 2;
      }
      const session = new ShellSession(ctx, flavor, out, err, tty);
      const r = await foreground(io, tty, out, (signal) => session.runSource(rest[1]!, signal));
      return r.code;
    }
    if (rest.length === 0) return interactiveShell(io, ctx, opts);
    err(`${flavor.self}: ${rest[0]}: No such file or directory\n`);
    return 127;
  }
  const fn = name === undefined ? undefined : COMMANDS[name];
  if (fn === undefined) {
    err(OCI_NOT_FOUND(arg0));
    return 126;
  }
  return foreground(io, tty, out, async (signal) => {
    try {
      return await fn([name!, ...argv.slice(1)], { ctx, out, err, signal, tty });
    } catch (e: unknown) {
      err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  });
}

/**
 * The shell reading commands from stdin until `exit`, Ctrl-D (tty) or the end of input.
 * Resolves with the shell's exit status (the last command's unless `exit N`).
 */
export function interactiveShell(io: CommandIO, ctx: AppContext, opts: ShellOptions = {}): Promise<number> {
  const tty = opts.tty ?? false;
  const flavor = FLAVORS[opts.shell ?? 'bash'];
  const out = tty ? onlcr(io.stdout) : io.stdout;
  const err = tty ? onlcr(io.stderr) : io.stderr;
  const session = new ShellSession(ctx, flavor, out, err, tty);
  const editor = new LineEditor(tty, out);
  return new Promise<number>((resolve) => {
    let queue = '';
    let inputEnded = false;
    let job: AbortController | undefined;
    let finished = false;
    let stopReading: (() => void) | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      stopReading?.();
      io.signal?.removeEventListener('abort', onTerminate);
      resolve(code);
    };
    const onTerminate = (): void => {
      job?.abort('terminate');
      finish(EXIT_INTERRUPTED);
    };
    const prompt = (): void => {
      if (tty) out(flavor.prompt);
    };
    const runLine = async (text: string): Promise<void> => {
      job = new AbortController();
      const signal = job.signal;
      const r = await session.runSource(text, signal);
      job = undefined;
      if (finished) return;
      // A job killed by ^C leaves the cursor after "^C"; bash starts a new line.
      if (tty && interrupted(signal) && r.code === EXIT_INTERRUPTED) out('\n');
      if (r.kind === 'exit') return finish(r.code);
      session.status = r.code;
      prompt();
    };
    const pump = async (): Promise<void> => {
      while (!finished && job === undefined && queue.length > 0) {
        const c = queue[0]!;
        queue = queue.slice(1);
        const ev = editor.step(c);
        if (ev === undefined) continue;
        if (ev.kind === 'line') await runLine(ev.text);
        else if (ev.kind === 'interrupt') {
          session.status = EXIT_INTERRUPTED;
          prompt();
        } else {
          out('exit\n');
          return finish(session.status);
        }
      }
      if (!finished && job === undefined && queue.length === 0 && inputEnded) {
        const last = editor.flush();
        if (last?.kind === 'line') {
          await runLine(last.text);
          if (finished) return;
        }
        finish(session.status);
      }
    };
    const onData = (chunk: string): void => {
      if (finished) return;
      if (job !== undefined) {
        const at = tty ? chunk.indexOf('\x03') : -1;
        if (at >= 0) {
          // SIGINT from the terminal: the line discipline echoes ^C and flushes typeahead.
          out('^C');
          queue = '';
          job.abort('interrupt');
          return;
        }
        queue += chunk;
        return;
      }
      queue += chunk;
      void pump();
    };
    const onEnd = (): void => {
      inputEnded = true;
      if (job === undefined) void pump();
    };
    if (io.signal?.aborted === true) return finish(EXIT_INTERRUPTED);
    io.signal?.addEventListener('abort', onTerminate, { once: true });
    prompt();
    if (io.stdin === undefined) {
      inputEnded = true;
      void pump();
      return;
    }
    stopReading = io.stdin.read(onData, onEnd);
    // Input buffered before the shell started may already have ended it.
    if (finished) stopReading();
  });
}
