// Address text helpers shared by projections and the engine (core's strict parsers).
import { formatIP, parseIP } from '../core/index.js';

/** Canonical text of an address (RFC 5952 for IPv6), or undefined when it is not an IP. */
export function canonicalIPText(text: string): string | undefined {
  const r = parseIP(text);
  return r.ok ? formatIP(r.value) : undefined;
}

export function isIPv4Text(text: string): boolean {
  return !text.includes(':');
}
