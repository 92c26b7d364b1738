// What the applier needs from a bridge: the OpenFlow module's flow-mod / group-mod API
// (add / modify / delete of flows and groups), optionally as one atomic bundle. The
// emulator's BridgeProgram, the fabric's OvsBridge and (later) an `ovs-ofctl` shell all
// fit; `programmerFor` adapts anything with `flowMod` / `groupMod` (/ `applyBundle`).
import { err, ok, type Result } from '../../core/result.js';
import type { BridgeProgram, FlowMod, GroupMod } from '../../dataplane/openflow/index.js';

export interface ProgrammerError {
  /** The OpenFlow error name (OFPBAC_BAD_OUT_GROUP, ...) or the target's own code. */
  readonly code: string;
  readonly message?: string;
  /** Position of the failing mod in a bundle. */
  readonly index?: number;
}

export type BridgeMod = FlowMod | GroupMod;

export interface BridgeProgrammer {
  flowMod(mod: FlowMod): Result<unknown, ProgrammerError>;
  groupMod(mod: GroupMod): Result<unknown, ProgrammerError>;
  /** All or nothing (`ovs-ofctl --bundle`). Optional: without it mods go one by one. */
  bundle?(mods: readonly BridgeMod[]): Result<unknown, ProgrammerError>;
}

export interface FlowModTarget {
  flowMod(mod: FlowMod): Result<unknown, unknown>;
  groupMod(mod: GroupMod): Result<unknown, unknown>;
  applyBundle?(mods: readonly BridgeMod[]): Result<unknown, unknown>;
}

export function isGroupMod(m: BridgeMod): m is GroupMod {
  return 'group' in m || 'groupId' in m;
}

function toError(e: unknown): ProgrammerError {
  if (typeof e === 'object' && e !== null) {
    const o = e as { code?: unknown; message?: unknown; index?: unknown; error?: unknown };
    // BridgeProgram.applyBundle reports { index, error: { code } }.
    if (typeof o.index === 'number' && typeof o.error === 'object' && o.error !== null) return { ...toError(o.error), index: o.index };
    const code = typeof o.code === 'string' ? o.code : 'error';
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
    return typeof o.index === 'number' ? { code, message, index: o.index } : { code, message };
  }
  return { code: 'error', message: String(e) };
}

const adapt = (r: Result<unknown, unknown>): Result<unknown, ProgrammerError> => (r.ok ? ok(r.value) : err(toError(r.error)));

/** Adapts a target with the flow-mod API (e.g. the fabric's OvsBridge). */
export function programmerFor(target: FlowModTarget): BridgeProgrammer {
  const p: BridgeProgrammer = {
    flowMod: (m) => adapt(target.flowMod(m)),
    groupMod: (m) => adapt(target.groupMod(m)),
  };
  const bundle = target.applyBundle?.bind(target);
  return bundle === undefined ? p : { ...p, bundle: (mods) => adapt(bundle(mods)) };
}

/** Programs a bare BridgeProgram (the in-memory bridge of tests and benchmarks). */
export function bridgeProgramProgrammer(program: BridgeProgram, now: () => number, opts: { readonly bundles?: boolean } = {}): BridgeProgrammer {
  const p: BridgeProgrammer = {
    flowMod: (m) => adapt(program.flowMod(m, now())),
    groupMod: (m) => adapt(program.groupMod(m, now())),
  };
  return opts.bundles === true ? { ...p, bundle: (mods) => adapt(program.applyBundle(mods, now())) } : p;
}
