// Small formatting helpers shared by the printers, each the TypeScript twin of an upstream one.
import type { Container } from '../types/index.js';

const utf8 = new TextEncoder();

/** Go's sort.Strings (bytewise) order. */
export function goSortStrings(values: string[]): string[] {
  return values.sort((a, b) => {
    if (a === b) return 0;
    const ab = utf8.encode(a);
    const bb = utf8.encode(b);
    for (let i = 0; i < Math.min(ab.length, bb.length); i++) {
      const d = (ab[i] ?? 0) - (bb[i] ?? 0);
      if (d !== 0) return d;
    }
    return ab.length - bb.length;
  });
}

/** labels.FormatLabels: `k=v` pairs sorted as whole strings, "<none>" when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = goSortStrings(Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`));
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/** layoutContainerCells: container names and images, each comma-joined in spec order. */
export function layoutContainerCells(containers: readonly Container[] | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return { names: list.map((c) => c.name).join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** listWithMoreString: the first `max` items, then " + N more...", "<unset>" when empty. */
export function listWithMore(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
