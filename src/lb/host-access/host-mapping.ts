// A mapping as it exists: a planned mapping with the host address and port it is bound to.
import type { MappingSpec } from './planner.js';

export type HostMapping = MappingSpec & {
  /** The loopback address listened on. */
  readonly address: string;
  readonly hostPort: number;
};

/**
 * The line printed when a mapping is created and listed by `svcnet status`:
 *   service demons/nsxdemoservice port 80 -> http://127.0.0.1:41235 (VIP 10.190.6.1:80)
 *   service demons/nsxdemoservice port 80 -> http://127.0.0.1:30657 (NodePort 10.190.5.11:30657)
 * "http://" only where the port looks like HTTP, so the line can be pasted into curl.
 */
export function formatMappingLine(m: HostMapping): string {
  const host = m.address.includes(':') ? `[${m.address}]` : m.address;
  const url = `${looksLikeHttp(m) ? 'http://' : ''}${host}:${m.hostPort}`;
  const via = m.kind === 'vip' ? `VIP ${m.target.ip}:${m.target.port}` : `NodePort ${m.target.ip}:${m.target.port}`;
  return `service ${m.service} port ${m.port} -> ${url} (${via})`;
}

function looksLikeHttp(m: HostMapping): boolean {
  const name = m.portName.toLowerCase();
  return m.port === 80 || m.port === 8080 || name === 'http' || name.startsWith('http-') || name === 'web';
}
