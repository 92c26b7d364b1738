// Structural equality of flow and group specs, to decide whether a re-rendered flow or
// group differs from what was last written. Actions are plain data (numbers, strings,
// bigints, arrays, objects; MfField objects are shared singletons), so a recursive
// comparison with an identity shortcut is exact and cheap.
import type { FlowSpec, GroupSpec } from '../../dataplane/openflow/index.js';

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Same match and priority assumed (same flow identity); compares the rest. */
export function flowSpecEqual(a: FlowSpec, b: FlowSpec): boolean {
  return (
    a === b ||
    (a.table === b.table &&
      a.priority === b.priority &&
      a.cookie === b.cookie &&
      a.idleTimeout === b.idleTimeout &&
      a.hardTimeout === b.hardTimeout &&
      a.importance === b.importance &&
      deepEqual(a.flags, b.flags) &&
      a.match.key() === b.match.key() &&
      deepEqual(a.actions, b.actions))
  );
}

/** Differs only in actions (and cookie): a modify-strict can carry it. */
export function onlyActionsDiffer(a: FlowSpec, b: FlowSpec): boolean {
  return a.idleTimeout === b.idleTimeout && a.hardTimeout === b.hardTimeout && a.importance === b.importance && deepEqual(a.flags, b.flags);
}

export function groupSpecEqual(a: GroupSpec, b: GroupSpec): boolean {
  return a === b || (a.groupId === b.groupId && a.type === b.type && a.selectionMethod === b.selectionMethod && deepEqual(a.buckets, b.buckets));
}
