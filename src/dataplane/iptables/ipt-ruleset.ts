// The loaded iptables state of one network namespace. `restore(text)` behaves like
// iptables-restore: each `*table ... COMMIT` section is built on a copy and swapped in
// at its COMMIT (a failing section leaves that table as it was; tables committed before
// it stay). Without `noflush` a section replaces its table (user chains removed,
// built-ins flushed); with `noflush` (kube-proxy's mode) a `:CHAIN` line creates or
// flushes that chain and the rest is left alone. Checks follow iptables: targets must
// exist, NAT targets only in the nat table, a chain still referenced or not empty
// cannot be deleted (-X), built-ins cannot be deleted or jumped to.
import { err, ok, type Result } from '../../core/result.js';
import type { NetfilterRuleset, NfBaseChain, NfChainResult, NfChainType, NfEnv, NfHook, NfPacket, NfTraceEvent } from '../nftables/nf-types.js';
import { evalIptChain } from './ipt-eval.js';
import { parseIptablesRestore, type IptParseError, type IptRestoreTable } from './ipt-parse.js';
import type { IptCommandLine } from './ipt-parse-rule.js';
import { formatIptablesSave, formatIptRule, type SaveOptions } from './ipt-print.js';
import { IptRecentTables } from './ipt-recent.js';
import { BUILTIN_CHAINS, type IptChain, type IptRule, type IptRuleSpec, type IptTable, type IptTableName } from './ipt-types.js';

export interface RestoreOptions {
  /** --noflush: keep what the input does not mention (kube-proxy's mode). */
  readonly noflush?: boolean;
  /** --counters: take `[pkts:bytes]` from the input. */
  readonly counters?: boolean;
}

export interface IptBaseChainRef extends NfBaseChain {
  readonly iptTable: IptTable;
  readonly iptChain: IptChain;
}

const HOOK_OF: Record<string, NfHook> = { PREROUTING: 'prerouting', INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', POSTROUTING: 'postrouting' };
const TABLE_PRIO: Record<IptTableName, number> = { raw: -300, mangle: -150, nat: -100, filter: 0, security: 50 };

class Fail extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export class IptRuleset implements NetfilterRuleset {
  /** In the order tables were first restored (iptables-save prints them so). */
  readonly tables = new Map<IptTableName, IptTable>();
  readonly recent = new IptRecentTables();
  private baseCache = new Map<NfHook, IptBaseChainRef[]>();

  restore(text: string, opts: RestoreOptions = {}): Result<void, IptParseError> {
    const parsed = parseIptablesRestore(text);
    if (!parsed.ok) return parsed;
    for (const sec of parsed.value) {
      const t = this.build(sec, opts);
      if (!t.ok) return t;
      this.tables.set(sec.name, t.value);
      this.baseCache.clear();
    }
    return ok(undefined);
  }

  /** iptables-restore --test: parse and check everything, change nothing. */
  test(text: string, opts: RestoreOptions = {}): Result<void, IptParseError> {
    const parsed = parseIptablesRestore(text);
    if (!parsed.ok) return parsed;
    for (const sec of parsed.value) {
      const t = this.build(sec, opts);
      if (!t.ok) return t;
    }
    return ok(undefined);
  }

  save(opts: SaveOptions = {}): string {
    return formatIptablesSave(this, opts);
  }

  baseChains(hook: NfHook): readonly IptBaseChainRef[] {
    let list = this.baseCache.get(hook);
    if (list !== undefined) return list;
    list = [];
    for (const t of this.tables.values()) {
      for (const name of BUILTIN_CHAINS[t.name]) {
        if (HOOK_OF[name] !== hook) continue;
        const chain = t.chains.get(name)!;
        const nat = t.name === 'nat';
        const priority = nat ? (hook === 'prerouting' || hook === 'output' ? -100 : 100) : TABLE_PRIO[t.name];
        const type: NfChainType = nat ? 'nat' : t.name === 'mangle' && hook === 'output' ? 'route' : 'filter';
        list.push({ table: t.name, name, type, hook, priority, iptTable: t, iptChain: chain });
      }
    }
    list.sort((a, b) => a.priority - b.priority);
    this.baseCache.set(hook, list);
    return list;
  }

  runBaseChain(chain: NfBaseChain, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfChainResult {
    const ref = chain as IptBaseChainRef;
    return evalIptChain(ref.iptTable, ref.iptChain, pkt, env, this.recent, trace);
  }

  private build(sec: IptRestoreTable, opts: RestoreOptions): Result<IptTable, IptParseError> {
    try {
      return ok(new TableBuilder(sec.name, this.tables.get(sec.name), opts).run(sec));
    } catch (e) {
      if (e instanceof Fail) return err({ line: e.line, message: e.message });
      throw e;
    }
  }
}

function freshChain(name: string, builtin: boolean, policy: 'ACCEPT' | 'DROP' = 'ACCEPT'): IptChain {
  return { name, builtin, policy, packets: 0, bytes: 0, rules: [] };
}

/** Applies one section to a copy of the table. */
class TableBuilder {
  private readonly t: IptTable;
  /** Rules jumping to each chain. */
  private readonly refs = new Map<string, number>();
  private line = 0;

  constructor(
    private readonly name: IptTableName,
    old: IptTable | undefined,
    private readonly opts: RestoreOptions,
  ) {
    const chains = new Map<string, IptChain>();
    for (const b of BUILTIN_CHAINS[name]) {
      const o = old?.chains.get(b);
      chains.set(b, opts.noflush === true && o !== undefined ? { ...o, rules: [...o.rules] } : freshChain(b, true, o?.policy));
    }
    if (opts.noflush === true && old !== undefined) for (const [k, c] of old.chains) if (!c.builtin) chains.set(k, { ...c, rules: [...c.rules] });
    this.t = { name, chains };
    for (const c of chains.values()) for (const r of c.rules) this.ref(r, +1);
  }

  private fail(msg: string): never {
    throw new Fail(msg, this.line);
  }

  run(sec: IptRestoreTable): IptTable {
    for (const d of sec.chains) {
      this.line = d.line;
      const c = this.t.chains.get(d.name);
      const builtin = BUILTIN_CHAINS[this.name].includes(d.name);
      if (builtin) {
        if (d.policy === undefined) this.fail(`Can't set policy \`-' on built-in chain ${d.name}`);
        c!.policy = d.policy;
        if (this.opts.counters === true) {
          c!.packets = d.packets;
          c!.bytes = d.bytes;
        }
        continue;
      }
      if (d.policy !== undefined) this.fail(`Can't set policy on user-defined chain ${d.name}`);
      if (c !== undefined) this.flush(c);
      else this.t.chains.set(d.name, freshChain(d.name, false));
    }
    for (const op of sec.ops) {
      this.line = op.line;
      this.exec(op.cmd, op.counters);
    }
    return this.t;
  }

  private chain(name: string): IptChain {
    return this.t.chains.get(name) ?? this.fail(`Chain '${name}' does not exist in table ${this.name}`);
  }

  private exec(cmd: IptCommandLine, counters: readonly [number, number] | undefined): void {
    switch (cmd.op) {
      case 'append':
      case 'insert': {
        const c = this.chain(cmd.chain);
        const r = this.rule(c, cmd.rule, counters);
        if (cmd.op === 'append') c.rules.push(r);
        else {
          if (cmd.index < 1 || cmd.index > c.rules.length + 1) this.fail(`Index of insertion too big`);
          c.rules.splice(cmd.index - 1, 0, r);
        }
        return;
      }
      case 'replace': {
        const c = this.chain(cmd.chain);
        if (cmd.index < 1 || cmd.index > c.rules.length) this.fail('Index of replacement too big');
        const r = this.rule(c, cmd.rule, undefined);
        this.ref(c.rules[cmd.index - 1]!, -1);
        c.rules[cmd.index - 1] = r;
        return;
      }
      case 'delete': {
        const c = this.chain(cmd.chain);
        let i: number;
        if (cmd.rule === undefined) i = (cmd.index ?? 0) - 1;
        else {
          const want = formatIptRule(cmd.rule);
          i = c.rules.findIndex((r) => formatIptRule(r) === want);
        }
        if (i < 0 || i >= c.rules.length) this.fail('Bad rule (does a matching rule exist in that chain?)');
        this.ref(c.rules[i]!, -1);
        c.rules.splice(i, 1);
        return;
      }
      case 'new-chain':
        if (this.t.chains.has(cmd.chain)) this.fail(`Chain already exists`);
        this.t.chains.set(cmd.chain, freshChain(cmd.chain, false));
        return;
      case 'flush':
        if (cmd.chain !== undefined) this.flush(this.chain(cmd.chain));
        else for (const c of this.t.chains.values()) this.flush(c);
        return;
      case 'zero':
        for (const c of cmd.chain !== undefined ? [this.chain(cmd.chain)] : this.t.chains.values()) {
          c.packets = 0;
          c.bytes = 0;
          c.rules = c.rules.map((r) => ({ ...r, packets: 0, bytes: 0 }));
        }
        return;
      case 'delete-chain': {
        const victims = cmd.chain !== undefined ? [this.chain(cmd.chain)] : [...this.t.chains.values()].filter((c) => !c.builtin);
        for (const c of victims) {
          if (c.builtin) this.fail(`Can't delete built-in chain ${c.name}`);
          if ((this.refs.get(c.name) ?? 0) > 0) this.fail(`Too many links: chain ${c.name} is still referenced`);
          if (c.rules.length > 0) this.fail(`Directory not empty: chain ${c.name} has rules`);
          this.t.chains.delete(c.name);
        }
        return;
      }
      case 'policy': {
        const c = this.chain(cmd.chain);
        if (!c.builtin) this.fail(`Can't set policy on user-defined chain ${c.name}`);
        c.policy = cmd.policy;
        return;
      }
    }
  }

  private flush(c: IptChain): void {
    for (const r of c.rules) this.ref(r, -1);
    c.rules = [];
  }

  private ref(r: IptRuleSpec, delta: number): void {
    if (r.target?.t === 'chain') this.refs.set(r.target.chain, (this.refs.get(r.target.chain) ?? 0) + delta);
  }

  private rule(c: IptChain, spec: IptRuleSpec, counters: readonly [number, number] | undefined): IptRule {
    const tg = spec.target;
    if (tg !== undefined) {
      if (tg.t === 'chain') {
        const target = this.t.chains.get(tg.chain);
        if (target === undefined) this.fail(`Couldn't load target \`${tg.chain}':No such file or directory`);
        if (target.builtin) this.fail(`Can't jump to built-in chain ${tg.chain}`);
      }
      const nat = tg.t === 'DNAT' || tg.t === 'SNAT' || tg.t === 'MASQUERADE' || tg.t === 'REDIRECT';
      if (nat && this.name !== 'nat') this.fail(`${tg.t} target is only valid in the nat table`);
      if (c.builtin && nat) {
        const dst = tg.t === 'DNAT' || tg.t === 'REDIRECT';
        const ok = dst ? c.name === 'PREROUTING' || c.name === 'OUTPUT' : c.name === 'POSTROUTING' || c.name === 'INPUT';
        if (!ok || (tg.t === 'MASQUERADE' && c.name !== 'POSTROUTING')) this.fail(`${tg.t} is not valid in chain ${c.name}`);
      }
    }
    const useCounters = this.opts.counters === true && counters !== undefined;
    const r: IptRule = { ...spec, packets: useCounters ? counters[0] : 0, bytes: useCounters ? counters[1] : 0 };
    this.ref(r, +1);
    return r;
  }
}
