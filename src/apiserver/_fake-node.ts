// Test helper: a fake node behind the PodConnector interface, with a handful of "programs"
// that behave like their real namesakes closely enough to check the stream plumbing
// (not a test file itself: no `.test.ts` suffix).
//   echo ARGS        prints ARGS, exits 0
//   sh|bash -c S     runs S: `exit N`, `echo X [>&2]`, `true`, `false`, joined by `;`
//   cat              echoes stdin until stdin closes
//   sh|bash          a shell reading commands from stdin; with tty a line-editing terminal
//                    (echo, backspace, ^C, ^D) showing the prompt `bash-4.4# `
//   sleep N          exits after N seconds (or when killed)
// Logs: fixed lines; follow adds `tick N` lines until aborted.
import type { Pod } from '../api/index.js';
import type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, PodConnector } from './pod-connector.js';

export const FAKE_PROMPT = 'bash-4.4# ';
export const FAKE_LOG_LINES: readonly string[] = ['starting nsx-demo', 'listening on 0.0.0.0:80', 'GET / 200 12ms'];
/** Timestamps of the fixed lines start here, one second apart. */
const LOG_EPOCH = Date.UTC(2024, 0, 1, 0, 0, 0);

export interface FakeNodeOptions {
  readonly logLines?: readonly string[];
  /** Period of the lines a followed log adds (ms). */
  readonly followEveryMs?: number;
  /** Containers (by name) that exist in the spec but are not running: requests are refused. */
  readonly waiting?: readonly string[];
}

/** What the fake saw of one exec, for assertions. */
export interface ExecRecord {
  readonly pod: string;
  readonly req: ExecRequest;
  readonly resizes: [number, number][];
  stdinClosed: boolean;
  killed: boolean;
  outcome: ExecOutcome | undefined;
}

export class FakeNode implements PodConnector {
  readonly execs: ExecRecord[] = [];
  /** Followed logs still being written (drops back when the client goes away). */
  activeFollows = 0;
  private readonly lines: readonly string[];
  private readonly every: number;
  private readonly waiting: ReadonlySet<string>;

  constructor(opts: FakeNodeOptions = {}) {
    this.lines = opts.logLines ?? FAKE_LOG_LINES;
    this.every = opts.followEveryMs ?? 20;
    this.waiting = new Set(opts.waiting ?? []);
  }

  exec(pod: Pod, req: ExecRequest, io: ExecIO): Promise<ExecStart> {
    const podName = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    if (this.waiting.has(req.container)) return Promise.resolve({ kind: 'refused', reason: 'BadRequest', message: `container not found ("${req.container}")` });
    const rec: ExecRecord = { pod: podName, req, resizes: [], stdinClosed: false, killed: false, outcome: undefined };
    this.execs.push(rec);
    const p = new FakeProcess(req, io, rec);
    // Start the program after the caller had a chance to wire the output.
    queueMicrotask(() => p.run());
    return Promise.resolve({ kind: 'started', session: p });
  }

  async logs(pod: Pod, opts: LogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<LogOutcome> {
    const name = pod.metadata.name ?? '';
    if (this.waiting.has(opts.container)) return { kind: 'refused', reason: 'BadRequest', message: `container "${opts.container}" in pod "${name}" is waiting to start: ContainerCreating` };
    if (opts.previous) return { kind: 'refused', reason: 'BadRequest', message: `previous terminated container "${opts.container}" in pod "${name}" not found` };
    let budget = opts.limitBytes ?? Infinity;
    const emit = (line: string, i: number): boolean => {
      let text = `${opts.timestamps ? `${new Date(LOG_EPOCH + i * 1000).toISOString().replace('Z', '000000Z')} ` : ''}${line}\n`;
      if (text.length > budget) text = text.slice(0, budget);
      budget -= text.length;
      if (text !== '') write(text);
      return budget > 0;
    };
    const first = opts.tailLines === undefined ? 0 : Math.max(0, this.lines.length - opts.tailLines);
    for (let i = first; i < this.lines.length; i++) if (!emit(this.lines[i]!, i)) return { kind: 'done' };
    if (!opts.follow) return { kind: 'done' };
    this.activeFollows++;
    await new Promise<void>((resolve) => {
      let n = 0;
      const timer = setInterval(() => {
        n++;
        if (!emit(`tick ${n}`, this.lines.length + n - 1)) stop();
      }, this.every);
      const stop = () => {
        clearInterval(timer);
        signal.removeEventListener('abort', stop);
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop);
    });
    this.activeFollows--;
    return { kind: 'done' };
  }
}

class FakeProcess implements ExecSession {
  readonly done: Promise<ExecOutcome>;
  private resolveDone!: (o: ExecOutcome) => void;
  private exited = false;
  private onInput: ((data: Buffer) => void) | undefined;
  private onEof: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private line = '';
  private status = 0;

  constructor(
    private readonly req: ExecRequest,
    private readonly io: ExecIO,
    private readonly rec: ExecRecord,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  run(): void {
    const [prog = '', ...args] = this.req.command;
    const base = prog.slice(prog.lastIndexOf('/') + 1);
    switch (base) {
      case 'echo':
        this.out(`${args.join(' ')}\n`);
        return this.exit(0);
      case 'sh':
      case 'bash':
        if (args[0] === '-c') return this.exit(this.script(args[1] ?? ''));
        return this.shell(base);
      case 'cat':
        if (!this.req.stdin) return this.exit(0);
        this.onInput = (d) => this.io.stdout(d);
        this.onEof = () => this.exit(0);
        return;
      case 'sleep':
        this.timer = setTimeout(() => this.exit(0), Number(args[0] ?? '0') * 1000);
        return;
      default:
        return this.fail(
          `error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${prog}": executable file not found in $PATH: unknown`,
        );
    }
  }

  stdin(data: Uint8Array): void {
    if (!this.exited) this.onInput?.(Buffer.from(data));
  }

  closeStdin(): void {
    this.rec.stdinClosed = true;
    if (!this.exited) this.onEof?.();
  }

  resize(width: number, height: number): void {
    this.rec.resizes.push([width, height]);
  }

  kill(): void {
    if (this.exited) return;
    this.rec.killed = true;
    this.exit(137);
  }

  private out(text: string): void {
    if (text !== '') this.io.stdout(Buffer.from(this.req.tty ? text.replace(/\r?\n/g, '\r\n') : text));
  }

  private err(text: string): void {
    // A pty merges stderr into the terminal.
    if (this.req.tty) this.out(text);
    else this.io.stderr(Buffer.from(text));
  }

  private exit(code: number): void {
    this.finish({ kind: 'exited', exitCode: code });
  }

  private fail(message: string): void {
    this.finish({ kind: 'error', message });
  }

  private finish(o: ExecOutcome): void {
    if (this.exited) return;
    this.exited = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.rec.outcome = o;
    this.resolveDone(o);
  }

  /** Runs `;`-separated statements; returns the exit status (or the argument of `exit`). */
  private script(text: string): number {
    for (const stmt of text.split(';')) {
      const r = this.statement(stmt.trim());
      if (r.exit) return r.status;
      this.status = r.status;
    }
    return this.status;
  }

  private statement(stmt: string): { exit: boolean; status: number } {
    const words = stmt.split(/\s+/).filter((w) => w !== '').map((w) => w.replace(/^'(.*)'$|^"(.*)"$/, '$1$2'));
    const [cmd, ...rest] = words;
    switch (cmd) {
      case undefined:
        return { exit: false, status: this.status };
      case 'exit':
        return { exit: true, status: rest[0] === undefined ? this.status : Number(rest[0]) & 255 };
      case 'true':
        return { exit: false, status: 0 };
      case 'false':
        return { exit: false, status: 1 };
      case 'echo': {
        const toErr = rest.at(-1) === '>&2' || rest.at(-1) === '1>&2';
        const text = `${(toErr ? rest.slice(0, -1) : rest).join(' ')}\n`;
        if (toErr) this.err(text);
        else this.out(text);
        return { exit: false, status: 0 };
      }
      default:
        this.err(`${this.req.command[0] ?? 'sh'}: ${cmd}: command not found\n`);
        return { exit: false, status: 127 };
    }
  }

  private takeLine(): string {
    const l = this.line;
    this.line = '';
    return l;
  }

  /** An interactive shell: statements from stdin, line by line. */
  private shell(name: string): void {
    const prompt = this.req.tty ? (name === 'bash' ? FAKE_PROMPT : '# ') : '';
    this.out(prompt);
    const runLine = (line: string) => {
      const r = this.statement(line.trim());
      if (r.exit) return this.exit(r.status);
      this.status = r.status;
      this.out(prompt);
    };
    this.onEof = () => this.exit(this.status);
    this.onInput = (data) => {
      for (const ch of data.toString('utf8')) {
        if (this.exited) return;
        if (!this.req.tty) {
          if (ch === '\n') runLine(this.takeLine());
          else this.line += ch;
          continue;
        }
        // The terminal's line discipline (ICANON | ECHO, ICRNL | ONLCR).
        if (ch === '\r' || ch === '\n') {
          this.out('\n');
          runLine(this.takeLine());
        } else if (ch === '\x7f' || ch === '\b') {
          if (this.line.length > 0) {
            this.line = this.line.slice(0, -1);
            this.io.stdout(Buffer.from('\b \b'));
          }
        } else if (ch === '\x03') {
          this.line = '';
          this.out(`^C\n${prompt}`);
        } else if (ch === '\x04') {
          if (this.line === '') {
            this.out('exit\n');
            this.exit(this.status);
          }
        } else {
          this.line += ch;
          this.io.stdout(Buffer.from(ch));
        }
      }
    };
  }
}
