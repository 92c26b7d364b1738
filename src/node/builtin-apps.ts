// The lab's images, backed by src/dataplane/apps: its ImageRegistry decides what an image
// is (web server, network-test shell, DNS server, unknown); this file turns each kind into
// an AppImage for the emulated runtime.
//   web        -> the demo web server on :80 (nginx-like); exec finds the image's shell
//   shell      -> nothing listens (the main process idles); exec runs the shell's programs
//                 (curl, ping, nslookup, dig, cat, ip, hostname, ...), `bash` interactively
//   dns-server -> the injected DNS app (the cluster DNS server, or a silent placeholder)
// An exec of a program the image does not carry fails to start, as runc reports it
// ("exec: \"foo\": executable file not found in $PATH"), before any stream opens.
import { ipv4, parseIPv4 } from '../core/index.js';
import {
  COMMANDS,
  DEFAULT_IMAGES,
  ImageRegistry,
  InputPipe,
  runCommand,
  startDemoWeb,
  type AppContext as PodAppContext,
  type ShellKind,
} from '../dataplane/apps/index.js';
import type { ExecIO, ExecOutcome, ExecSession } from './connector-types.js';
import { executableNotFound, shortRepository, type AppContext, type AppImage, type AppLauncher, type RunningApp } from './emulated-apps.js';
import type { RuntimeExecStart } from './runtime.js';

const enc = new TextEncoder();
const dec = () => new TextDecoder();
const BIN_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/local/bin/', '/usr/local/sbin/'];
const SHELL_NAMES: Record<ShellKind, readonly string[]> = { bash: ['bash', 'sh'], ash: ['sh', 'ash'] };

/** Whether the image's filesystem has `arg0` (a program name or its path in a bin dir). */
function hasProgram(arg0: string | undefined, shell: ShellKind): boolean {
  if (arg0 === undefined || arg0 === '') return false;
  let name = arg0;
  if (arg0.includes('/')) {
    const dir = BIN_DIRS.find((d) => arg0.startsWith(d) && !arg0.slice(d.length).includes('/'));
    if (dir === undefined) return false;
    name = arg0.slice(dir.length);
  }
  return SHELL_NAMES[shell].includes(name) || Object.hasOwn(COMMANDS, name);
}

function podContext(ctx: AppContext): PodAppContext {
  const ip = parseIPv4(ctx.ip);
  return {
    stack: ctx.stack,
    podName: ctx.podName,
    podIP: ip.ok ? ip.value : ipv4(0),
    resolvConf: ctx.resolvConf,
    hostname: ctx.hostname,
    clock: ctx.clock,
    log: (line) => ctx.log(line),
  };
}

/** `kubectl exec` into an image with a shell: the apps' runCommand behind an ExecSession. */
export function shellExec(pod: PodAppContext, shell: ShellKind, argv: readonly string[], tty: boolean, io: ExecIO): RuntimeExecStart {
  if (!hasProgram(argv[0], shell)) return executableNotFound(argv[0]);
  const stdin = new InputPipe();
  const abort = new AbortController();
  const decoder = dec();
  const session: ExecSession = {
    stdin: (data) => stdin.write(decoder.decode(data, { stream: true })),
    closeStdin: () => stdin.end(),
    resize: () => {},
    kill: () => abort.abort('terminate'),
    done: new Promise<ExecOutcome>((resolve) => {
      // Let the caller wire its streams before the first byte (a prompt, say).
      queueMicrotask(() => {
        runCommand(argv, { stdout: (t) => io.stdout(enc.encode(t)), stderr: (t) => io.stderr(enc.encode(t)), stdin, signal: abort.signal }, pod, { tty, shell }).then(
          (exitCode) => resolve({ kind: 'exited', exitCode }),
          (e: unknown) => resolve({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
        );
      });
    }),
  };
  return { kind: 'started', session };
}

function webApp(repository: string, shell: ShellKind): AppImage {
  return {
    repository,
    description: 'demo web server',
    launch(ctx): RunningApp {
      const pod = podContext(ctx);
      const exec = (argv: readonly string[], tty: boolean, io: ExecIO) => shellExec(pod, shell, argv, tty, io);
      const r = startDemoWeb(pod);
      if (!r.ok) {
        ctx.log(`nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)`, 'stderr');
        ctx.exit(1);
        return { stop: () => 1, exec };
      }
      const server = r.value;
      return {
        stop: () => {
          server.close();
          return 0;
        },
        exec,
      };
    },
  };
}

function shellApp(repository: string, shell: ShellKind): AppImage {
  return {
    repository,
    description: 'network-test shell',
    launch(ctx): RunningApp {
      const pod = podContext(ctx);
      // The main process only idles; on SIGTERM it exits at once (a real `bash` as PID 1
      // would ignore SIGTERM and wait for the grace period's SIGKILL).
      return { stop: () => 0, exec: (argv, tty, io) => shellExec(pod, shell, argv, tty, io) };
    },
  };
}

export interface BuiltinAppsOptions {
  /** The app behind images of kind dns-server (coredns). */
  readonly dnsServerApp: AppImage;
  readonly registry?: ImageRegistry;
}

/** The emulator's images: the apps' ImageRegistry, each kind mapped to an AppImage. */
export class BuiltinApps implements AppLauncher {
  private readonly registry: ImageRegistry;
  private readonly cache = new Map<string, AppImage>();

  constructor(private readonly opts: BuiltinAppsOptions) {
    this.registry = opts.registry ?? new ImageRegistry();
  }

  find(image: string): AppImage | undefined {
    const a = this.registry.resolve(image);
    if (a.kind === 'unknown') return undefined;
    if (a.kind === 'dns-server') return this.opts.dnsServerApp;
    const repo = `${a.ref.registry}/${a.ref.repository}`;
    const key = `${a.kind}/${a.shell}/${repo}`;
    let app = this.cache.get(key);
    if (app === undefined) {
      app = a.kind === 'web' ? webApp(repo, a.shell) : shellApp(repo, a.shell);
      this.cache.set(key, app);
    }
    return app;
  }

  known(): readonly string[] {
    // DEFAULT_IMAGES: the registry has no listing; images added with register() are not shown.
    return [...DEFAULT_IMAGES.keys()].map(shortRepository).sort();
  }

  invalidName(image: string): string | undefined {
    const a = this.registry.resolve(image);
    return a.kind === 'unknown' && a.reason === 'InvalidImageName' ? a.message : undefined;
  }
}
