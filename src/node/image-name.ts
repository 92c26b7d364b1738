// Image names as a containerd-backed kubelet reports them in container statuses:
// "nginx" -> "docker.io/library/nginx:latest", "dumlutimuralp/nsx-demo" ->
// "docker.io/dumlutimuralp/nsx-demo:latest", and an image ID "<repository>@sha256:<digest>".
import { createHash } from 'node:crypto';

/** Fully qualified image name (registry, repository, tag or digest). */
export function normalizeImage(image: string): string {
  let name = image;
  let suffix = '';
  const at = name.indexOf('@');
  if (at !== -1) {
    suffix = name.slice(at);
    name = name.slice(0, at);
  } else {
    const slash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    if (colon > slash) {
      suffix = name.slice(colon);
      name = name.slice(0, colon);
    } else {
      suffix = ':latest';
    }
  }
  const first = name.split('/')[0] ?? '';
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return `${name}${suffix}`;
}

/** The repository part of a normalized name ("docker.io/library/nginx"). */
export function imageRepository(normalized: string): string {
  const at = normalized.indexOf('@');
  if (at !== -1) return normalized.slice(0, at);
  const slash = normalized.lastIndexOf('/');
  const colon = normalized.lastIndexOf(':');
  return colon > slash ? normalized.slice(0, colon) : normalized;
}

/** A stable content digest for an image name (emulated images have no content). */
export function imageDigest(normalized: string): string {
  return `sha256:${createHash('sha256').update(`svcnet-image:${normalized}`).digest('hex')}`;
}

/** "docker.io/library/nginx@sha256:..." */
export function imageIdFor(image: string): string {
  const n = normalizeImage(image);
  const at = n.indexOf('@');
  return at !== -1 ? n : `${imageRepository(n)}@${imageDigest(n)}`;
}
