// Which built-in behaviour a container image gets. References are normalised the way
// the container runtime does (docker.io default registry, library/ for official images,
// :latest default tag), so `nginx`, `nginx:1.25`, `docker.io/library/nginx:latest` and
// `index.docker.io/library/nginx@sha256:...` are the same repository. Any tag or digest
// of a known repository is accepted; unknown repositories fail the way a pull of a
// missing image fails (ErrImagePull), malformed references with InvalidImageName.
import { err, ok, type Result } from '../../core/result.js';
import type { ShellKind } from './shell.js';

export interface ImageRef {
  /** "docker.io", "registry.k8s.io", "localhost:5000". */
  readonly registry: string;
  /** "library/nginx", "dumlutimuralp/nsx-demo". */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Fully qualified: "docker.io/library/nginx:latest". */
  readonly canonical: string;
}

export type AppKind = ImageApp['kind'];

/** What a known repository runs; `shell` is what `kubectl exec` finds in it. */
export type ImageBehaviour =
  | { readonly kind: 'web'; readonly shell: ShellKind }
  | { readonly kind: 'shell'; readonly shell: ShellKind }
  /** The cluster DNS server; its implementation is supplied by the runtime. */
  | { readonly kind: 'dns-server' };

export type ImageApp =
  | (ImageBehaviour & { readonly ref: ImageRef })
  | { readonly kind: 'unknown'; readonly reason: 'ErrImagePull' | 'InvalidImageName'; readonly message: string; readonly ref?: ImageRef };

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function parseImageRef(ref: string): Result<ImageRef, string> {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return err('invalid reference format');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return err('invalid reference format');
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'index.docker.io' || first === 'registry-1.docker.io' ? 'docker.io' : first;
    parts.shift();
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    return err(parts.some((p) => p.toLowerCase() !== p) ? 'invalid reference format: repository name must be lowercase' : 'invalid reference format');
  }
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (tag === undefined && digest === undefined) tag = 'latest';
  const canonical = `${registry}/${repository}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  return ok({ registry, repository, canonical, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) });
}

/** Repositories the emulator knows, by registry/repository. */
export const DEFAULT_IMAGES: ReadonlyMap<string, ImageBehaviour> = new Map<string, ImageBehaviour>([
  ['docker.io/dumlutimuralp/nsx-demo', { kind: 'web', shell: 'bash' }],
  ['docker.io/library/nginx', { kind: 'web', shell: 'bash' }],
  ['docker.io/library/httpd', { kind: 'web', shell: 'bash' }],
  ['docker.io/dumlutimuralp/networktest', { kind: 'shell', shell: 'bash' }],
  ['docker.io/nicolaka/netshoot', { kind: 'shell', shell: 'bash' }],
  ['docker.io/library/busybox', { kind: 'shell', shell: 'ash' }],
  ['docker.io/library/alpine', { kind: 'shell', shell: 'ash' }],
  ['docker.io/coredns/coredns', { kind: 'dns-server' }],
  ['registry.k8s.io/coredns/coredns', { kind: 'dns-server' }],
  ['k8s.gcr.io/coredns/coredns', { kind: 'dns-server' }],
  ['k8s.gcr.io/coredns', { kind: 'dns-server' }],
]);

export class ImageRegistry {
  private readonly known: Map<string, ImageBehaviour>;

  constructor(entries: ReadonlyMap<string, ImageBehaviour> = DEFAULT_IMAGES) {
    this.known = new Map(entries);
  }

  /** Adds (or replaces) a repository, given as any reference to it ("myorg/app", "quay.io/x/y"). */
  register(reference: string, behaviour: ImageBehaviour): Result<void, string> {
    const r = parseImageRef(reference);
    if (!r.ok) return r;
    this.known.set(`${r.value.registry}/${r.value.repository}`, behaviour);
    return ok(undefined);
  }

  resolve(image: string): ImageApp {
    const r = parseImageRef(image);
    if (!r.ok) {
      return { kind: 'unknown', reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${r.error}` };
    }
    const ref = r.value;
    const b = this.known.get(`${ref.registry}/${ref.repository}`);
    if (b !== undefined) return { ...b, ref };
    return {
      kind: 'unknown',
      reason: 'ErrImagePull',
      ref,
      message:
        `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref.canonical}": ` +
        `failed to resolve reference "${ref.canonical}": ${ref.canonical}: not found`,
    };
  }
}
