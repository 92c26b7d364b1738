// The rendered OpenFlow program, as data. It is kept in fragments — the base flows, and
// one fragment per Service — so a partial sync re-renders only the Services that changed
// and the applier diffs only those fragments against what it last wrote.
import type { FlowSpec, GroupSpec, Match } from '../../../dataplane/openflow/index.js';
import { BridgeProgram } from '../../../dataplane/openflow/index.js';

/** Flows whose lifetime the pipeline manages (learn), but which belong to a fragment. */
export interface LearnedFamily {
  readonly table: number;
  /** Loose match selecting the family (e.g. `reg3=N`). */
  readonly match: Match;
}

export interface OpenFlowFragment {
  readonly key: string;
  readonly flows: readonly FlowSpec[];
  readonly groups: readonly GroupSpec[];
  /** Learned flows to delete when the fragment goes (session affinity). */
  readonly learned: readonly LearnedFamily[];
}

export interface OpenFlowProgram {
  readonly flows: readonly FlowSpec[];
  readonly groups: readonly GroupSpec[];
}

export const BASE_FRAGMENT = '#base';

const identities = new WeakMap<FlowSpec, string>();

/**
 * A flow's identity on a bridge: table, priority and match (what add replaces,
 * delete-strict removes). Specs are immutable, so the string is computed once per spec.
 */
export function flowIdentity(f: FlowSpec): string {
  let id = identities.get(f);
  if (id === undefined) {
    id = `${f.table}/${f.priority}/${f.match.key()}`;
    identities.set(f, id);
  }
  return id;
}

/**
 * The program as one {flows, groups} value: fragments in order, a flow rendered by
 * several fragments (a shared LoadBalancer IP) once, as its first fragment has it.
 */
export function flattenProgram(fragments: Iterable<OpenFlowFragment>): OpenFlowProgram {
  const flows = new Map<string, FlowSpec>();
  const groups: GroupSpec[] = [];
  for (const f of fragments) {
    for (const flow of f.flows) {
      const id = flowIdentity(flow);
      if (!flows.has(id)) flows.set(id, flow);
    }
    groups.push(...f.groups);
  }
  return { flows: [...flows.values()], groups };
}

/** Loads a program into an empty BridgeProgram (groups first: flows name them). */
export function loadProgram(program: OpenFlowProgram, now: number, into = new BridgeProgram()): BridgeProgram {
  for (const g of program.groups) {
    const r = into.groupMod({ command: 'add', group: g }, now);
    if (!r.ok) throw new Error(`group ${g.groupId}: ${r.error.code}`);
  }
  for (const f of program.flows) {
    const r = into.addFlow(f, now);
    if (!r.ok) throw new Error(`flow ${flowIdentity(f)}: ${r.error.code}`);
  }
  return into;
}
