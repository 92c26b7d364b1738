// GET /version. The kubectl on this machine is a dispatcher that runs the bundled kubectl
// matching the server's minor version, so minor must be "32" for kubectl 1.32 to be used.

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

export const KUBERNETES_MINOR = '32';
export const GIT_VERSION = 'v1.32.4-svcnet';

export interface VersionOptions {
  readonly gitCommit?: string;
  /** RFC 3339; a fixed date keeps the document (and caches keyed on it) stable. */
  readonly buildDate?: string;
  /** "os/arch" of the server, e.g. `${process.platform}/${process.arch}` mapped to Go names. */
  readonly platform?: string;
}

export function versionInfo(opts: VersionOptions = {}): VersionInfo {
  return {
    major: '1',
    minor: KUBERNETES_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: opts.gitCommit ?? '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: opts.buildDate ?? '2025-04-22T00:00:00Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: opts.platform ?? 'linux/amd64',
  };
}

/** Go's names for Node's process.platform / process.arch values. */
export function goPlatform(platform: string, arch: string): string {
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  const goOs: Record<string, string> = { win32: 'windows', linux: 'linux', darwin: 'darwin', freebsd: 'freebsd' };
  return `${goOs[platform] ?? platform}/${goArch[arch] ?? arch}`;
}
