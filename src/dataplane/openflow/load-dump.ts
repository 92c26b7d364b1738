// Loads `ovs-ofctl dump-groups` / `dump-flows` output into a BridgeProgram, keeping the
// printed durations and counters, so a captured switch state (the article's br-int)
// can be replayed and dumped back identically.
import { err, ok, type Result } from '../../core/result.js';
import type { BridgeProgram } from './bridge-program.js';
import { parseFlow } from './parse-flow.js';
import { parseGroup } from './parse-group.js';
import type { PortMap } from './port-map.js';

const isContent = (line: string) => {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && !/^(NXST|OFPST)_\w+ reply/.test(t);
};

/** Adds every group line (header and blank lines are skipped). */
export function loadDumpGroups(program: BridgeProgram, text: string, now: number, opts: { readonly ports?: PortMap } = {}): Result<number> {
  let n = 0;
  for (const [i, line] of text.split('\n').entries()) {
    if (!isContent(line)) continue;
    const g = parseGroup(line.trim(), opts);
    if (!g.ok) return err(`line ${i + 1}: ${g.error}`);
    const r = program.groupMod({ command: 'add', group: g.value }, now);
    if (!r.ok) return err(`line ${i + 1}: ${r.error.code}`);
    n++;
  }
  return ok(n);
}

/** Adds every flow line, restoring duration and counters relative to `now`. */
export function loadDumpFlows(program: BridgeProgram, text: string, now: number, opts: { readonly ports?: PortMap } = {}): Result<number> {
  let n = 0;
  for (const [i, line] of text.split('\n').entries()) {
    if (!isContent(line)) continue;
    const p = parseFlow(line.trim(), opts);
    if (!p.ok) return err(`line ${i + 1}: ${p.error}`);
    const r = program.addFlow(p.value.flow, now, p.value.stats);
    if (!r.ok) return err(`line ${i + 1}: ${r.error.code}`);
    n++;
  }
  return ok(n);
}
