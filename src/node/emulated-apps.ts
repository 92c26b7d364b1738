// What the emulated runtime runs inside a container: an app bound to the pod's IP stack.
// Images map to apps (the demo web server, the network-test shell, the cluster DNS
// server); an image without an app cannot be "pulled", so a typo never turns into a
// container that silently does nothing.
//
// Contract: `launch` runs synchronously and returns the running app; the app may end by
// itself through `ctx.exit` (e.g. it could not bind its port). `stop` is SIGTERM: the app
// closes its sockets and returns its exit code, or 'ignore' to wait for SIGKILL.
import type { Clock } from '../core/index.js';
import type { HostStack } from '../dataplane/host/index.js';
import type { ExecIO } from './connector-types.js';
import { imageRepository, normalizeImage } from './image-name.js';
import type { RuntimeExecStart } from './runtime.js';

export interface AppContext {
  /** The pod's IP stack (the node's own for hostNetwork pods). */
  readonly stack: HostStack;
  readonly namespace: string;
  readonly podName: string;
  readonly containerName: string;
  readonly hostname: string;
  readonly ip: string;
  readonly prefixLength: number;
  readonly gateway: string | undefined;
  /** Content of /etc/resolv.conf. */
  readonly resolvConf: string;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly clock: Clock;
  /** A line on the container's stdout/stderr (`kubectl logs`). */
  log(text: string, stream?: 'stdout' | 'stderr'): void;
  /** The main process ended by itself. */
  exit(code: number, reason?: string): void;
}

export interface RunningApp {
  /** SIGTERM. Returns the exit code, or 'ignore' (SIGKILL after the grace period: 137). */
  stop(): number | 'ignore';
  /**
   * `kubectl exec` into this container. Absent: the runtime's minimal exec (cat, hostname,
   * sh -c, ...). Images without a shell return an "executable file not found" error.
   */
  exec?(argv: readonly string[], tty: boolean, io: ExecIO): RuntimeExecStart;
}

export interface AppImage {
  /** The repository this app answers for, e.g. "docker.io/dumlutimuralp/nsx-demo". */
  readonly repository: string;
  /** What it is, for listings ("demo web server"). */
  readonly description: string;
  launch(ctx: AppContext): RunningApp;
}

export interface AppLauncher {
  /** The app for an image reference (any tag or digest), or undefined. */
  find(image: string): AppImage | undefined;
  /** Images it knows, short names as users write them ("dumlutimuralp/nsx-demo"). */
  known(): readonly string[];
  /** Why a reference is malformed (kubelet's InvalidImageName), or undefined. */
  invalidName?(image: string): string | undefined;
}

/** Short form for messages: "docker.io/library/nginx" -> "nginx", "docker.io/a/b" -> "a/b". */
export function shortRepository(repo: string): string {
  return repo.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/** A launcher over a fixed list of apps, matched by repository (tags and digests ignored). */
export class AppTable implements AppLauncher {
  private readonly byRepo = new Map<string, AppImage>();

  constructor(apps: readonly AppImage[] = []) {
    for (const a of apps) this.add(a);
  }

  /** Adds or replaces the app for its repository. */
  add(app: AppImage): this {
    this.byRepo.set(imageRepository(normalizeImage(app.repository)), app);
    return this;
  }

  find(image: string): AppImage | undefined {
    if (image.trim() === '') return undefined;
    return this.byRepo.get(imageRepository(normalizeImage(image)));
  }

  known(): readonly string[] {
    return [...this.byRepo.keys()].map(shortRepository).sort();
  }
}

/** The pull error message for an image no app answers for. */
export function unknownImageMessage(launcher: AppLauncher): string {
  return `image not known to the svcnet emulator (known: ${launcher.known().join(', ')})`;
}

/** How containerd's runc reports an exec of a program the image does not have. */
export function executableNotFound(cmd: string | undefined): RuntimeExecStart {
  return { kind: 'error', message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd ?? ''}": executable file not found in $PATH: unknown` };
}
