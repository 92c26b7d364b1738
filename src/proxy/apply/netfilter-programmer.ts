// Applying a whole kube-proxy program (nftables or iptables text) to a node's netfilter
// state. The proxier renders the complete program each sync; applying it must be atomic
// (a half-applied program would leave Services pointing at chains that are gone) and must
// not wipe live state that upstream kube-proxy keeps across syncs:
//
//  - nftables: one `nft -f` transaction that brings the table from the previous program
//    to the new one (nftSyncTransaction): chains and maps whose content changed are
//    flushed and refilled, new objects added, vanished ones deleted; everything else is
//    left alone, so affinity sets keep their entries and unchanged rules their counters
//    (kube-proxy's nftables mode likewise never deletes its table on a sync). When the
//    previous program is unknown or the table holds something else, the transaction is
//    `add table` + `delete table` + the program (nftReplaceTransaction). The kernel (and
//    NftRuleset) commits all of it or nothing.
//  - iptables: `iptables-restore` (no --noflush: each table in the program replaces the
//    table it names). Real iptables-restore commits table by table, so a program whose
//    nat section fails after filter committed would be half applied; `--test` of the whole
//    text first makes a refused program change nothing. Chains whose rules are textually
//    the same as before get their [pkts:bytes] back (kube-proxy's --noflush restore leaves
//    unchanged chains alone); `-m recent` lists belong to the namespace and survive.
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import type { IptRuleset, IptTable } from '../../dataplane/iptables/index.js';
import type { NftRuleset, NftTable } from '../../dataplane/nftables/index.js';

export interface NetfilterProgrammer {
  /** Replaces the loaded program with `program`; on error nothing changed. */
  apply(program: string): Result<void, string>;
}

export const NFT_TABLE = 'ip kube-proxy';

/** The transaction that drops the old table and loads the new one (loses all live state). */
export function nftReplaceTransaction(program: string): string {
  return `add table ${NFT_TABLE}\ndelete table ${NFT_TABLE}\n${program}`;
}

type NftObj = 'table' | 'chain' | 'set' | 'map' | 'rule' | 'element';

interface NftLine {
  readonly text: string;
  /** 1-based line number in the program. */
  readonly no: number;
  readonly obj: NftObj;
  /** Chain (rule), set/map (element) or the declared object; '' for the table. */
  readonly name: string;
}

/** A program in one-`add`-command-per-line form (what renderNftables writes), by object. */
export interface NftProgramIndex {
  readonly lines: readonly NftLine[];
  readonly tableDecl: string;
  readonly chainDecls: ReadonlyMap<string, string>;
  readonly setDecls: ReadonlyMap<string, { readonly decl: string; readonly kind: 'set' | 'map' }>;
  readonly rules: ReadonlyMap<string, readonly string[]>;
  readonly elements: ReadonlyMap<string, readonly string[]>;
}

const LINE = /^add (table|chain|set|map|rule|element) ip kube-proxy(?: (\S+))?/;

/** undefined when a line is not a single `add` command for table ip kube-proxy. */
export function indexNftProgram(program: string): NftProgramIndex | undefined {
  const lines: NftLine[] = [];
  let tableDecl = '';
  const chainDecls = new Map<string, string>();
  const setDecls = new Map<string, { decl: string; kind: 'set' | 'map' }>();
  const rules = new Map<string, string[]>();
  const elements = new Map<string, string[]>();
  const src = program.split('\n');
  for (let i = 0; i < src.length; i++) {
    const text = src[i]!;
    if (text === '' || text.startsWith('#')) continue;
    const m = LINE.exec(text);
    if (m === null) return undefined;
    const obj = m[1] as NftObj;
    const name = m[2] ?? '';
    if (obj !== 'table' && name === '') return undefined;
    lines.push({ text, no: i + 1, obj, name });
    if (obj === 'table') tableDecl = text;
    else if (obj === 'chain') chainDecls.set(name, text);
    else if (obj === 'set' || obj === 'map') setDecls.set(name, { decl: text, kind: obj });
    else {
      const into = obj === 'rule' ? rules : elements;
      const list = into.get(name);
      if (list === undefined) into.set(name, [text]);
      else list.push(text);
    }
  }
  return { lines, tableDecl, chainDecls, setDecls, rules, elements };
}

/** What the loaded table holds: chains with their rule counts, sets and maps. */
export interface NftLiveObjects {
  readonly chains: ReadonlyMap<string, number>;
  readonly sets: ReadonlyMap<string, 'set' | 'map'>;
}

export function nftLiveObjects(t: NftTable | undefined): NftLiveObjects | undefined {
  if (t === undefined) return undefined;
  const chains = new Map<string, number>();
  for (const c of t.chains.values()) chains.set(c.name, c.rules.length);
  const sets = new Map<string, 'set' | 'map'>();
  for (const s of t.sets.values()) sets.set(s.name, s.kind);
  return { chains, sets };
}

/** The objects a program leaves in the table (for a caller without a live table to read). */
export function nftProgramObjects(ix: NftProgramIndex): NftLiveObjects {
  const chains = new Map<string, number>();
  for (const c of ix.chainDecls.keys()) chains.set(c, ix.rules.get(c)?.length ?? 0);
  const sets = new Map<string, 'set' | 'map'>();
  for (const [s, d] of ix.setDecls) sets.set(s, d.kind);
  return { chains, sets };
}

export interface NftTransaction {
  readonly kind: 'initial' | 'incremental' | 'replace';
  readonly text: string;
  /** Per transaction line: its program line (1-based), or 0 for a line of ours. */
  readonly origin: readonly number[];
  /** Chains flushed or created and refilled; sets/maps refilled (incremental only). */
  readonly changedChains: number;
  readonly changedSets: number;
  readonly deleted: number;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameNames<V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}

/**
 * The one transaction that turns the table holding `prev` (as `live` says) into `next`.
 * Incremental only when the live table holds exactly prev's objects and no chain
 * declaration or the table's changed; otherwise a full replace.
 */
export function nftSyncTransaction(program: string, next: NftProgramIndex, prev: NftProgramIndex | undefined, live: NftLiveObjects | undefined): NftTransaction {
  if (live === undefined) {
    return { kind: 'initial', text: program, origin: program.split('\n').map((_, i) => i + 1), changedChains: next.chainDecls.size, changedSets: next.setDecls.size, deleted: 0 };
  }
  const replace = (): NftTransaction => {
    const text = nftReplaceTransaction(program);
    return { kind: 'replace', text, origin: [0, 0, ...program.split('\n').map((_, i) => i + 1)], changedChains: next.chainDecls.size, changedSets: next.setDecls.size, deleted: 0 };
  };
  if (prev === undefined || prev.tableDecl !== next.tableDecl || !sameNames(prev.chainDecls, live.chains) || !sameNames(prev.setDecls, live.sets)) return replace();
  for (const [c, decl] of next.chainDecls) {
    const old = prev.chainDecls.get(c);
    if (old !== undefined && old !== decl) return replace();
  }
  for (const [s, d] of prev.setDecls) if (live.sets.get(s) !== d.kind) return replace();

  const dirtyChains = new Set<string>();
  for (const c of next.chainDecls.keys()) {
    if (!prev.chainDecls.has(c)) continue;
    const was = prev.rules.get(c);
    if (!sameList(was, next.rules.get(c)) || live.chains.get(c) !== (was?.length ?? 0)) dirtyChains.add(c);
  }
  const recreate = new Set<string>();
  /** Sets/maps refilled from scratch. */
  const dirtySets = new Set<string>();
  /** Sets/maps changed element by element: the element lines to add, the keys to delete. */
  const diffSets = new Map<string, { readonly added: ReadonlySet<string>; readonly removed: readonly string[] }>();
  for (const [s, d] of next.setDecls) {
    const old = prev.setDecls.get(s);
    if (old === undefined) continue;
    if (old.decl !== d.decl) recreate.add(s);
    else if (!sameList(prev.elements.get(s), next.elements.get(s))) {
      const diff = elementDiff(prev.elements.get(s) ?? [], next.elements.get(s) ?? []);
      if (diff === undefined) dirtySets.add(s);
      else diffSets.set(s, diff);
    }
  }
  if (recreate.size > 0) {
    // A set can only be deleted once no rule names it: refill every chain that does.
    for (const [c, rules] of prev.rules) {
      if (!next.chainDecls.has(c) || dirtyChains.has(c)) continue;
      if (rules.some((r) => [...recreate].some((s) => refersTo(r, s)))) dirtyChains.add(c);
    }
  }
  const staleChains = [...prev.chainDecls.keys()].filter((c) => !next.chainDecls.has(c));
  const staleSets = [...prev.setDecls].filter(([s]) => !next.setDecls.has(s));

  const text: string[] = [];
  const origin: number[] = [];
  const ours = (l: string) => {
    text.push(l);
    origin.push(0);
  };
  for (const c of [...dirtyChains, ...staleChains]) if ((live.chains.get(c) ?? 0) > 0) ours(`flush chain ${NFT_TABLE} ${c}`);
  for (const s of dirtySets) ours(`flush ${prev.setDecls.get(s)!.kind} ${NFT_TABLE} ${s}`);
  for (const [s, d] of diffSets) for (const key of d.removed) ours(`delete element ${NFT_TABLE} ${s} { ${key} }`);
  for (const s of recreate) ours(`delete ${prev.setDecls.get(s)!.kind} ${NFT_TABLE} ${s}`);
  for (const l of next.lines) {
    let keep: boolean;
    switch (l.obj) {
      case 'table':
        keep = false;
        break;
      case 'chain':
        keep = !prev.chainDecls.has(l.name);
        break;
      case 'set':
      case 'map':
        keep = !prev.setDecls.has(l.name) || recreate.has(l.name);
        break;
      case 'rule':
        keep = !prev.chainDecls.has(l.name) || dirtyChains.has(l.name);
        break;
      case 'element':
        keep = !prev.setDecls.has(l.name) || dirtySets.has(l.name) || recreate.has(l.name) || diffSets.get(l.name)?.added.has(l.text) === true;
        break;
    }
    if (keep) {
      text.push(l.text);
      origin.push(l.no);
    }
  }
  // Maps first: their elements may be the last references to stale chains.
  for (const [s, d] of staleSets) ours(`delete ${d.kind} ${NFT_TABLE} ${s}`);
  for (const c of staleChains) ours(`delete chain ${NFT_TABLE} ${c}`);
  const changedChains = dirtyChains.size + [...next.chainDecls.keys()].filter((c) => !prev.chainDecls.has(c)).length;
  const changedSets = dirtySets.size + diffSets.size + recreate.size + [...next.setDecls.keys()].filter((s) => !prev.setDecls.has(s)).length;
  return { kind: 'incremental', text: text.length === 0 ? '' : `${text.join('\n')}\n`, origin, changedChains, changedSets, deleted: staleChains.length + staleSets.length };
}

/**
 * The key of a one-element `add element T S { KEY [comment "c"] [: DATA] }` line, for
 * `delete element`; undefined for lines holding several elements or element options.
 */
function elementKey(line: string): string | undefined {
  const open = line.indexOf(' { ');
  if (open < 0 || !line.endsWith(' }')) return undefined;
  let body = line.slice(open + 3, -2);
  const colon = body.indexOf(' : ');
  if (colon >= 0) body = body.slice(0, colon);
  body = body.replace(/ comment "[^"]*"$/, '');
  if (/[,{}"]| timeout | expires /.test(body)) return undefined;
  return body;
}

/** Element-wise change of a set's lines; undefined when a line is not one element. */
function elementDiff(prev: readonly string[], next: readonly string[]): { added: Set<string>; removed: string[] } | undefined {
  const before = new Set(prev);
  const after = new Set(next);
  const removed: string[] = [];
  for (const l of before) {
    if (after.has(l)) continue;
    const key = elementKey(l);
    if (key === undefined) return undefined;
    removed.push(key);
  }
  const added = new Set<string>();
  for (const l of after) {
    if (before.has(l)) continue;
    if (elementKey(l) === undefined) return undefined;
    added.add(l);
  }
  return { added, removed };
}

function refersTo(rule: string, set: string): boolean {
  const at = `@${set}`;
  for (let i = rule.indexOf(at); i >= 0; i = rule.indexOf(at, i + 1)) {
    const after = rule[i + at.length];
    if (after === undefined || after === ' ' || after === '}' || after === ',') return true;
  }
  return false;
}

export interface NftProgrammerOptions {
  /** 'sync' (default): nftSyncTransaction; 'replace': delete and reload the table every time. */
  readonly strategy?: 'sync' | 'replace';
  /** Called with each transaction applied (for logs and tests). */
  readonly onTransaction?: (tx: NftTransaction) => void;
}

export function nftablesProgrammer(ruleset: NftRuleset, now: () => number, opts: NftProgrammerOptions = {}): NetfilterProgrammer {
  let prev: NftProgramIndex | undefined;
  const run = (tx: NftTransaction): Result<void, string> => {
    const r = ruleset.load(tx.text, now());
    if (r.ok) {
      opts.onTransaction?.(tx);
      return ok(undefined);
    }
    const at = tx.origin[r.error.line - 1] ?? 0;
    const where = at > 0 ? `line ${at}` : `sync step "${tx.text.split('\n')[r.error.line - 1] ?? ''}"`;
    return err(`nft: ${where}: ${r.error.message}`);
  };
  return {
    apply(program) {
      const next = opts.strategy === 'replace' ? undefined : indexNftProgram(program);
      const live = nftLiveObjects(ruleset.table('ip', 'kube-proxy'));
      let r: Result<void, string>;
      if (next === undefined) {
        const text = nftReplaceTransaction(program);
        r = run({ kind: 'replace', text, origin: [0, 0, ...program.split('\n').map((_, i) => i + 1)], changedChains: 0, changedSets: 0, deleted: 0 });
      } else {
        const tx = nftSyncTransaction(program, next, prev, live);
        r = run(tx);
        // Something we did not foresee in the live table: the full replace still works.
        if (!r.ok && tx.kind === 'incremental') r = run(nftSyncTransaction(program, next, undefined, live));
      }
      if (r.ok) prev = next;
      return r;
    },
  };
}

/** Per table, per chain: the `-A` lines of an iptables-restore program. */
type IptChainLines = Map<string, Map<string, string[]>>;

function iptChainLines(program: string): IptChainLines {
  const out: IptChainLines = new Map();
  let table: Map<string, string[]> | undefined;
  for (const line of program.split('\n')) {
    if (line.startsWith('*')) {
      table = new Map();
      out.set(line.slice(1).trim(), table);
    } else if (table !== undefined && line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      if (!table.has(name)) table.set(name, []);
    } else if (table !== undefined && line.startsWith('-A ')) {
      const sp = line.indexOf(' ', 3);
      const name = sp < 0 ? line.slice(3) : line.slice(3, sp);
      const list = table.get(name);
      if (list === undefined) table.set(name, [line]);
      else list.push(line);
    }
  }
  return out;
}

/** Counters of chains whose rules are the same lines as before move to the new table. */
function carryCounters(before: ReadonlyMap<string, IptTable>, after: ReadonlyMap<string, IptTable>, prev: IptChainLines, next: IptChainLines): number {
  let carried = 0;
  for (const [tname, chains] of next) {
    const oldT = before.get(tname as IptTable['name']);
    const newT = after.get(tname as IptTable['name']);
    if (oldT === undefined || newT === undefined || oldT === newT) continue;
    for (const [cname, lines] of chains) {
      const oldC = oldT.chains.get(cname);
      const newC = newT.chains.get(cname);
      if (oldC === undefined || newC === undefined) continue;
      // A built-in chain's policy counter belongs to the chain, not to its rules.
      if (oldC.builtin) {
        newC.packets = oldC.packets;
        newC.bytes = oldC.bytes;
      }
      if (!sameList(prev.get(tname)?.get(cname), lines) || oldC.rules.length !== lines.length || newC.rules.length !== lines.length) continue;
      for (let i = 0; i < lines.length; i++) {
        newC.rules[i]!.packets = oldC.rules[i]!.packets;
        newC.rules[i]!.bytes = oldC.rules[i]!.bytes;
      }
      carried++;
    }
  }
  return carried;
}

export function iptablesProgrammer(ruleset: IptRuleset): NetfilterProgrammer {
  let prev: IptChainLines = new Map();
  return {
    apply(program) {
      const t = ruleset.test(program);
      if (!t.ok) return err(`iptables-restore: line ${t.error.line}: ${t.error.message}`);
      const before = new Map(ruleset.tables);
      const r = ruleset.restore(program);
      if (!r.ok) return err(`iptables-restore: line ${r.error.line}: ${r.error.message}`);
      const next = iptChainLines(program);
      carryCounters(before, ruleset.tables, prev, next);
      prev = next;
      return ok(undefined);
    },
  };
}
