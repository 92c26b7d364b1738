// A BridgeProgrammer decorator that records every mod it passes on (tests assert the
// deltas the applier sends) and can be told to fail the next mod(s).
import { err, type Result } from '../../core/result.js';
import type { FlowMod, GroupMod } from '../../dataplane/openflow/index.js';
import type { BridgeMod, BridgeProgrammer, ProgrammerError } from './bridge-programmer.js';

export class RecordingProgrammer implements BridgeProgrammer {
  readonly mods: BridgeMod[] = [];
  /** Fail after this many more successful mods (undefined = never). */
  failAfter: number | undefined;
  readonly bundle?: (mods: readonly BridgeMod[]) => Result<unknown, ProgrammerError>;

  constructor(private readonly inner: BridgeProgrammer) {
    const b = inner.bundle?.bind(inner);
    if (b !== undefined) {
      this.bundle = (mods) => {
        if (this.shouldFail()) return err({ code: 'injected', message: 'injected bundle failure' });
        const r = b(mods);
        if (r.ok) this.mods.push(...mods);
        return r;
      };
    }
  }

  flowMod(mod: FlowMod): Result<unknown, ProgrammerError> {
    if (this.shouldFail()) return err({ code: 'injected', message: 'injected failure' });
    this.mods.push(mod);
    return this.inner.flowMod(mod);
  }

  groupMod(mod: GroupMod): Result<unknown, ProgrammerError> {
    if (this.shouldFail()) return err({ code: 'injected', message: 'injected failure' });
    this.mods.push(mod);
    return this.inner.groupMod(mod);
  }

  /** Returns and forgets the mods recorded so far. */
  take(): BridgeMod[] {
    return this.mods.splice(0);
  }

  private shouldFail(): boolean {
    if (this.failAfter === undefined) return false;
    if (this.failAfter === 0) {
      this.failAfter = undefined;
      return true;
    }
    this.failAfter--;
    return false;
  }
}

/** One line per mod, for readable assertions: "flow add 1/100/...", "group modify 3". */
export function describeMod(m: BridgeMod): string {
  if ('group' in m) return `group ${m.command} ${m.group.groupId}`;
  if ('groupId' in m) return `group delete ${m.groupId}`;
  if (m.command === 'delete') return `flow delete${m.strict ? '-strict' : ''} table=${m.table ?? '*'}`;
  return `flow ${m.command}${m.command === 'modify' && m.strict ? '-strict' : ''} table=${m.flow.table}`;
}
