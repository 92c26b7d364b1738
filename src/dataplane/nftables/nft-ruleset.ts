// The loaded nftables state of one network namespace (what the kernel holds), changed
// only by transactions: `apply(commands)` runs a whole `nft -f` file and either all of
// it takes effect or none (an undo log rolls back). Checks follow the kernel/nft:
// references to chains and sets must exist when a rule or element is added, a chain or
// set still referenced cannot be deleted, `create` refuses what exists, a map element
// may not silently change its data.
import { err, ok, type Result } from '../../core/result.js';
import { exprTypes, type NftChain, type NftElement, type NftFamily, type NftMapData, type NftRule, type NftSet, type NftStmt, type NftTable } from './nft-ast.js';
import { keyText } from './nft-element-store.js';
import type { NftCommand, NftRuleSpec, RawElement } from './nft-commands.js';
import { evalNftChain } from './nft-eval.js';
import { parseNft, type NftParseError } from './nft-parse.js';
import { cookElement, makeSet } from './nft-values.js';
import type { NetfilterRuleset, NfBaseChain, NfChainResult, NfEnv, NfHook, NfPacket, NfTraceEvent } from './nf-types.js';

export interface NftApplyError {
  readonly line: number;
  readonly message: string;
}

export interface NftBaseChainRef extends NfBaseChain {
  readonly nftTable: NftTable;
  readonly nftChain: NftChain;
}

class ApplyFail extends Error {}

type Undo = () => void;

export class NftRuleset implements NetfilterRuleset {
  /** Keyed "family name", in creation order. */
  readonly tables = new Map<string, NftTable>();
  private baseCache = new Map<NfHook, NftBaseChainRef[]>();
  private undo: Undo[] = [];
  private now = 0;

  /** Parses and applies an `nft -f` text as one transaction. */
  load(text: string, now: number): Result<void, NftParseError | NftApplyError> {
    const cmds = parseNft(text);
    if (!cmds.ok) return cmds;
    return this.apply(cmds.value, now);
  }

  apply(cmds: readonly NftCommand[], now: number): Result<void, NftApplyError> {
    this.undo = [];
    this.now = now;
    for (const c of cmds) {
      try {
        this.exec(c);
      } catch (e) {
        if (!(e instanceof ApplyFail)) throw e;
        for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
        this.undo = [];
        this.baseCache.clear();
        return err({ line: c.line, message: e.message });
      }
    }
    this.undo = [];
    this.baseCache.clear();
    return ok(undefined);
  }

  table(family: NftFamily, name: string): NftTable | undefined {
    return this.tables.get(`${family} ${name}`);
  }

  baseChains(hook: NfHook): readonly NftBaseChainRef[] {
    let list = this.baseCache.get(hook);
    if (list !== undefined) return list;
    list = [];
    for (const t of this.tables.values()) {
      if (t.family !== 'ip' && t.family !== 'inet') continue;
      for (const c of t.chains.values()) {
        if (c.base === undefined || c.base.hook !== hook) continue;
        list.push({ table: `${t.family} ${t.name}`, name: c.name, type: c.base.type, hook, priority: c.base.priority, nftTable: t, nftChain: c });
      }
    }
    list.sort((a, b) => a.priority - b.priority);
    this.baseCache.set(hook, list);
    return list;
  }

  runBaseChain(chain: NfBaseChain, pkt: NfPacket, env: NfEnv, trace: NfTraceEvent[] | undefined): NfChainResult {
    const ref = chain as NftBaseChainRef;
    return evalNftChain(ref.nftTable, ref.nftChain, pkt, env, trace);
  }

  private fail(msg: string): never {
    throw new ApplyFail(msg);
  }

  private getTable(family: NftFamily, name: string): NftTable {
    return this.table(family, name) ?? this.fail(`No such file or directory: table ${family} ${name}`);
  }

  private getChain(t: NftTable, name: string): NftChain {
    return t.chains.get(name) ?? this.fail(`No such file or directory: chain ${name} in table ${t.family} ${t.name}`);
  }

  private getSet(t: NftTable, name: string): NftSet {
    return t.sets.get(name) ?? this.fail(`No such file or directory: set ${name} in table ${t.family} ${t.name}`);
  }

  private exec(c: NftCommand): void {
    if (c.obj === 'ruleset') {
      for (const [k, t] of [...this.tables]) {
        if (c.family !== undefined && t.family !== c.family) continue;
        this.tables.delete(k);
        this.undo.push(() => this.tables.set(k, t));
      }
      return;
    }
    const key = `${c.family} ${c.table}`;
    if (c.obj === 'table') {
      const t = this.tables.get(key);
      if (c.op === 'add' || c.op === 'create') {
        if (t !== undefined) {
          if (c.op === 'create') this.fail(`File exists: table ${key}`);
          const { comment, flags } = t;
          if (c.comment !== undefined) t.comment = c.comment;
          if (c.flags !== undefined) t.flags = c.flags;
          this.undo.push(() => Object.assign(t, { comment, flags }));
          return;
        }
        const nt: NftTable = { family: c.family, name: c.table, chains: new Map(), sets: new Map(), handleSeq: 0 };
        if (c.comment !== undefined) nt.comment = c.comment;
        if (c.flags !== undefined) nt.flags = c.flags;
        this.tables.set(key, nt);
        this.undo.push(() => this.tables.delete(key));
        return;
      }
      if (t === undefined) {
        if (c.op === 'destroy') return;
        this.fail(`No such file or directory: table ${key}`);
      }
      if (c.op === 'flush') {
        for (const ch of t.chains.values()) this.flushChain(t, ch);
        for (const s of t.sets.values()) this.flushSet(t, s);
        return;
      }
      this.tables.delete(key);
      this.undo.push(() => this.tables.set(key, t));
      return;
    }
    const t = this.getTable(c.family, c.table);
    switch (c.obj) {
      case 'chain':
        return this.execChain(t, c);
      case 'rule':
        return this.execRule(t, c);
      case 'set':
        return this.execSet(t, c);
      case 'element':
        return this.execElement(t, c);
    }
  }

  private execChain(t: NftTable, c: Extract<NftCommand, { obj: 'chain' }>): void {
    const ch = t.chains.get(c.chain);
    if (c.op === 'add' || c.op === 'create') {
      if (ch !== undefined) {
        if (c.op === 'create') this.fail(`File exists: chain ${c.chain}`);
        if (c.base !== undefined && (ch.base === undefined || ch.base.hook !== c.base.hook || ch.base.type !== c.base.type || ch.base.priority !== c.base.priority)) {
          this.fail(`Chain ${c.chain} exists with a different type/hook/priority`);
        }
        const { policy, comment } = ch;
        if (c.policy !== undefined) ch.policy = c.policy;
        if (c.comment !== undefined) ch.comment = c.comment;
        this.undo.push(() => Object.assign(ch, { policy, comment }));
        return;
      }
      if (c.chain.length > 256) this.fail(`chain name too long: ${c.chain}`);
      if (c.policy !== undefined && c.base === undefined) this.fail(`policy on non-base chain ${c.chain}`);
      const nc: NftChain = { name: c.chain, policy: c.policy ?? 'accept', rules: [], handle: ++t.handleSeq, useCount: 0 };
      if (c.base !== undefined) nc.base = c.base;
      if (c.comment !== undefined) nc.comment = c.comment;
      t.chains.set(c.chain, nc);
      this.undo.push(() => t.chains.delete(c.chain));
      return;
    }
    if (ch === undefined) {
      if (c.op === 'destroy') return;
      this.fail(`No such file or directory: chain ${c.chain}`);
    }
    if (c.op === 'flush') {
      this.flushChain(t, ch);
      return;
    }
    if (ch.useCount > 0) this.fail(`Device or resource busy: chain ${c.chain} is in use`);
    this.flushChain(t, ch);
    t.chains.delete(c.chain);
    this.undo.push(() => t.chains.set(c.chain, ch));
  }

  private flushChain(t: NftTable, ch: NftChain): void {
    const rules = ch.rules;
    for (const r of rules) this.unbindRule(t, r);
    ch.rules = [];
    this.undo.push(() => {
      ch.rules = rules;
    });
  }

  private execRule(t: NftTable, c: Extract<NftCommand, { obj: 'rule' }>): void {
    const ch = this.getChain(t, c.chain);
    if (!('rule' in c)) {
      const i = ch.rules.findIndex((r) => r.handle === c.handle);
      if (i < 0) {
        if (c.op === 'destroy') return;
        this.fail(`No such file or directory: rule handle ${c.handle}`);
      }
      this.spliceRule(t, ch, i, 1);
      return;
    }
    const rule = this.bindRule(t, c.rule);
    const pos = c.position;
    if (c.op === 'replace') {
      const i = ch.rules.findIndex((r) => r.handle === pos!.n);
      if (i < 0) this.fail(`No such file or directory: rule handle ${pos!.n}`);
      this.spliceRule(t, ch, i, 1, rule);
      return;
    }
    let at: number;
    if (pos === undefined) at = c.op === 'add' ? ch.rules.length : 0;
    else if (pos.kind === 'index') {
      if (pos.n >= ch.rules.length) this.fail(`No such file or directory: rule index ${pos.n}`);
      at = c.op === 'add' ? pos.n + 1 : pos.n;
    } else {
      const i = ch.rules.findIndex((r) => r.handle === pos.n);
      if (i < 0) this.fail(`No such file or directory: rule handle ${pos.n}`);
      at = c.op === 'add' ? i + 1 : i;
    }
    this.spliceRule(t, ch, at, 0, rule);
  }

  private spliceRule(t: NftTable, ch: NftChain, at: number, del: number, add?: NftRule): void {
    const before = ch.rules;
    const removed = before.slice(at, at + del);
    for (const r of removed) this.unbindRule(t, r);
    ch.rules = add === undefined ? [...before.slice(0, at), ...before.slice(at + del)] : [...before.slice(0, at), add, ...before.slice(at + del)];
    this.undo.push(() => {
      ch.rules = before;
    });
  }

  /** Checks a new rule's references and takes them (use counts). */
  private bindRule(t: NftTable, spec: NftRuleSpec): NftRule {
    for (const s of spec.stmts) this.checkStmt(t, s);
    const rule: NftRule = { stmts: spec.stmts, handle: ++t.handleSeq, ...(spec.comment !== undefined ? { comment: spec.comment } : {}) };
    this.forRefs(t, rule, +1);
    return rule;
  }

  private unbindRule(t: NftTable, r: NftRule): void {
    this.forRefs(t, r, -1);
  }

  private checkStmt(t: NftTable, s: NftStmt): void {
    const jumpTarget = (v: { chain: string; target?: NftChain }): void => {
      const name = v.chain;
      const target = this.getChain(t, name);
      v.target = target;
      if (target.base !== undefined) this.fail(`Operation not supported: cannot jump to base chain ${name}`);
    };
    if (s.k === 'verdict' && (s.v.kind === 'jump' || s.v.kind === 'goto')) jumpTarget(s.v);
    else if (s.k === 'cmp' && s.right.k === 'set' && s.right.ref.k === 'named') {
      const set = this.getSet(t, s.right.ref.name);
      if (set.kind === 'map') this.fail(`${set.name} is a map, not a set`);
    } else if (s.k === 'vmap') {
      if (s.map.k === 'named') {
        const m = this.getSet(t, s.map.name);
        if (m.kind !== 'map' || m.dataTypes?.[0] !== 'verdict') this.fail(`${m.name} is not a verdict map`);
        // nft: "datatype mismatch, map expects packet mark, mapping expression has type integer".
        const got = exprTypes(s.key).join(' . ');
        if (got !== m.keyTypes.join(' . ')) this.fail(`datatype mismatch, map ${m.name} expects ${m.keyTypes.join(' . ')}, mapping expression has type ${got}`);
      } else for (const el of s.map.set.elements.list()) if (el.data?.k === 'verdict' && (el.data.v.kind === 'jump' || el.data.v.kind === 'goto')) jumpTarget(el.data.v);
    } else if (s.k === 'set-op') {
      const set = this.getSet(t, s.set);
      if (!set.flags.includes('dynamic') && !set.flags.includes('timeout')) this.fail(`set ${s.set} is not dynamic`);
      if (s.timeoutMs !== undefined && !set.flags.includes('timeout')) this.fail(`set ${s.set} has no "flags timeout"`);
    }
  }

  private forRefs(t: NftTable, r: NftRule, delta: number): void {
    const chainRef = (name: string): void => {
      const ch = t.chains.get(name);
      if (ch !== undefined) this.bump(ch, delta);
    };
    const setRef = (name: string): void => {
      const s = t.sets.get(name);
      if (s !== undefined) this.bump(s, delta);
    };
    for (const s of r.stmts) {
      if (s.k === 'verdict' && (s.v.kind === 'jump' || s.v.kind === 'goto')) chainRef(s.v.chain);
      else if (s.k === 'cmp' && s.right.k === 'set' && s.right.ref.k === 'named') setRef(s.right.ref.name);
      else if (s.k === 'set-op') setRef(s.set);
      else if (s.k === 'vmap') {
        if (s.map.k === 'named') setRef(s.map.name);
        else for (const el of s.map.set.elements.list()) if (el.data?.k === 'verdict' && (el.data.v.kind === 'jump' || el.data.v.kind === 'goto')) chainRef(el.data.v.chain);
      }
    }
  }

  private bump(o: { useCount: number }, delta: number): void {
    o.useCount += delta;
    this.undo.push(() => {
      o.useCount -= delta;
    });
  }

  private execSet(t: NftTable, c: Extract<NftCommand, { obj: 'set' }>): void {
    const name = 'decl' in c ? c.decl.name : c.set;
    const s = t.sets.get(name);
    if ('decl' in c) {
      if (s !== undefined) {
        if (c.op === 'create') this.fail(`File exists: ${s.kind} ${name}`);
        if (s.kind !== c.decl.kind || s.keyTypes.join('.') !== c.decl.keyTypes.join('.') || (s.dataTypes ?? []).join('.') !== (c.decl.dataTypes ?? []).join('.')) {
          this.fail(`File exists: ${s.kind} ${name} with a different type`);
        }
      } else {
        const ns = makeSet(c.decl, false);
        ns.handle = ++t.handleSeq;
        t.sets.set(name, ns);
        this.undo.push(() => t.sets.delete(name));
      }
      if (c.elements !== undefined) this.addElements(t, t.sets.get(name)!, c.elements, 'add');
      return;
    }
    if (s === undefined) {
      if (c.op === 'destroy') return;
      this.fail(`No such file or directory: ${c.kind} ${name}`);
    }
    if (s.kind !== c.kind) this.fail(`${name} is a ${s.kind}, not a ${c.kind}`);
    if (c.op === 'flush') {
      this.flushSet(t, s);
      return;
    }
    if (s.useCount > 0) this.fail(`Device or resource busy: ${s.kind} ${name} is in use`);
    this.flushSet(t, s);
    t.sets.delete(name);
    this.undo.push(() => t.sets.set(name, s));
  }

  private flushSet(t: NftTable, s: NftSet): void {
    const all = s.elements.list();
    for (const el of all) this.elementRefs(t, el, -1);
    s.elements.clear();
    this.undo.push(() => {
      for (const el of all) s.elements.put(el);
    });
  }

  private elementRefs(t: NftTable, el: NftElement, delta: number): void {
    if (el.data?.k !== 'verdict') return;
    const v = el.data.v;
    if (v.kind !== 'jump' && v.kind !== 'goto') return;
    const ch = t.chains.get(v.chain);
    if (ch !== undefined) this.bump(ch, delta);
  }

  private execElement(t: NftTable, c: Extract<NftCommand, { obj: 'element' }>): void {
    const s = this.getSet(t, c.set);
    if (c.op === 'add' || c.op === 'create') {
      this.addElements(t, s, c.elements, c.op);
      return;
    }
    for (const raw of c.elements) {
      const el = cookElement(raw, s, this.now, true);
      if (!el.ok) this.fail(el.error);
      const old = s.elements.delete(el.value.key);
      if (old === undefined) {
        if (c.op === 'destroy') continue;
        this.fail(`No such file or directory: element not in ${s.kind} ${s.name}`);
      }
      this.elementRefs(t, old, -1);
      this.undo.push(() => s.elements.put(old));
    }
  }

  private addElements(t: NftTable, s: NftSet, raws: readonly RawElement[], op: 'add' | 'create'): void {
    for (const raw of raws) {
      const r = cookElement(raw, s, this.now);
      if (!r.ok) this.fail(r.error);
      const el = r.value;
      if (el.data?.k === 'verdict' && (el.data.v.kind === 'jump' || el.data.v.kind === 'goto')) {
        const target = this.getChain(t, el.data.v.chain);
        el.data.v.target = target;
        if (target.base !== undefined) this.fail(`Operation not supported: cannot jump to base chain ${target.name}`);
      }
      const old = s.elements.getExact(el.key);
      if (old !== undefined) {
        if (op === 'create') this.fail(`File exists: element already in ${s.kind} ${s.name}`);
        if (!sameData(old.data, el.data)) this.fail(`File exists: element in map ${s.name} has different data`);
        // Re-adding refreshes the timeout, nothing else.
        const exp = old.expiresAt;
        if (el.expiresAt !== undefined) old.expiresAt = el.expiresAt;
        this.undo.push(() => {
          if (exp === undefined) delete old.expiresAt;
          else old.expiresAt = exp;
        });
        continue;
      }
      s.elements.put(el);
      this.elementRefs(t, el, +1);
      this.undo.push(() => s.elements.delete(el.key));
    }
  }
}

function sameData(a: NftMapData | undefined, b: NftMapData | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.k === 'verdict' && b.k === 'verdict') {
    const x = a.v;
    const y = b.v;
    return x.kind === y.kind && (x.kind === 'jump' || x.kind === 'goto' ? x.chain === (y as { chain: string }).chain : true);
  }
  if (a.k === 'values' && b.k === 'values') return keyText(a.v) === keyText(b.v);
  return false;
}
