// Inclusive port ranges such as Kubernetes' --service-node-port-range "30000-32767".
import { err, ok, type Result } from './result.js';

export type Port = number & { readonly __brand: 'Port' };

export function isValidPort(n: unknown): n is Port {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** Parses "A-B", "A+N" (A through A+N inclusive, as Kubernetes accepts) or a single port "A". */
export function parsePortRange(s: string): Result<PortRange> {
  const m = /^([0-9]{1,5})(?:([-+])([0-9]{1,5}))?$/.exec(s.trim());
  if (m === null) return err(`"${s}" is not a valid port range (expected "min-max")`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[2] === '-' ? Number(m[3]) : min + Number(m[3]);
  if (!isValidPort(min) || !isValidPort(max)) return err(`"${s}" is not a valid port range: ports must be between 1 and 65535`);
  if (max < min) return err(`"${s}" is not a valid port range: max is below min`);
  return ok({ min, max });
}

export function portRangeContains(r: PortRange, port: number): boolean {
  return port >= r.min && port <= r.max;
}

export function portRangeSize(r: PortRange): number {
  return r.max - r.min + 1;
}

export function formatPortRange(r: PortRange): string {
  return `${r.min}-${r.max}`;
}
