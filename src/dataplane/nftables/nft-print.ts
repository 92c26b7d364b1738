// `nft list ruleset` output (nft 1.0.6): per table, sets and maps first, then chains, each
// block separated by a blank line; base chains as `type nat hook prerouting priority
// dstnat; policy accept;` with nft's symbolic priorities; element lists wrapped as nft
// wraps them (two addresses or five ports per line, one concatenated key per line).
import type { NftChain, NftSet, NftTable } from './nft-ast.js';
import { DATATYPES } from './nft-datatypes.js';
import { formatElement, formatNftExpr, formatNftRule, sortElements } from './nft-print-rule.js';
import type { NftRuleset } from './nft-ruleset.js';
import { formatNftTime } from './nft-time.js';

export interface ListOptions {
  /** Print counter values (default true). */
  readonly counters?: boolean;
  /** With a clock, elements of timeout sets show `expires`. */
  readonly now?: number;
  /** Append `# handle N` as `nft -a` does. */
  readonly handles?: boolean;
}

export function formatNftRuleset(rs: NftRuleset, opts: ListOptions = {}): string {
  return [...rs.tables.values()].map((t) => formatNftTable(t, opts)).join('');
}

const STD_PRIOS: readonly (readonly [string, number])[] = [
  ['raw', -300],
  ['mangle', -150],
  ['dstnat', -100],
  ['filter', 0],
  ['security', 50],
  ['srcnat', 100],
];

/** nft's prio2str: a standard name, or name ± offset within 10, else the number. */
export function formatPriority(prio: number, hook: string): string {
  for (const [name, v] of STD_PRIOS) {
    if (name === 'dstnat' && hook !== 'prerouting') continue;
    if (name === 'srcnat' && hook !== 'postrouting') continue;
    const off = prio - v;
    if (off === 0) return name;
    if (off > 0 && off <= 10) return `${name} + ${off}`;
    if (off < 0 && off >= -10) return `${name} - ${-off}`;
  }
  return String(prio);
}

export function formatNftTable(t: NftTable, opts: ListOptions = {}): string {
  const blocks: string[] = [];
  for (const s of t.sets.values()) blocks.push(formatSet(s, opts));
  for (const c of t.chains.values()) blocks.push(formatChain(c, opts));
  const head: string[] = [];
  if (t.comment !== undefined) head.push(`\tcomment "${t.comment}"\n`);
  if (t.flags !== undefined && t.flags.length > 0) head.push(`\tflags ${t.flags.join(',')}\n`);
  return `table ${t.family} ${t.name} {${handle(opts, t.handleSeq, true)}\n${head.join('')}${blocks.join('\n')}}\n`;
}

function handle(opts: ListOptions, h: number, omit = false): string {
  return opts.handles === true && !omit ? ` # handle ${h}` : '';
}

function formatChain(c: NftChain, opts: ListOptions): string {
  let s = `\tchain ${c.name} {${handle(opts, c.handle)}\n`;
  if (c.comment !== undefined) s += `\t\tcomment "${c.comment}"\n`;
  if (c.base !== undefined) {
    const dev = c.base.device !== undefined ? ` device "${c.base.device}"` : '';
    s += `\t\ttype ${c.base.type} hook ${c.base.hook}${dev} priority ${formatPriority(c.base.priority, c.base.hook)}; policy ${c.policy};\n`;
  }
  for (const r of c.rules) s += `\t\t${formatNftRule(r, { counters: opts.counters ?? true })}${handle(opts, r.handle)}\n`;
  return `${s}\t}\n`;
}

function formatSet(set: NftSet, opts: ListOptions): string {
  let s = `\t${set.kind} ${set.name} {${handle(opts, set.handle)}\n`;
  const data = set.dataTypes === undefined ? '' : ` : ${set.dataTypes.join(' . ')}`;
  if (set.keyTypeof !== undefined) s += `\t\ttypeof ${set.keyTypeof.map((e) => formatNftExpr(e)).join(' . ')}${data}\n`;
  else s += `\t\ttype ${set.keyTypes.join(' . ')}${data}\n`;
  if (set.policy !== undefined) s += `\t\tpolicy ${set.policy}\n`;
  const size = set.size ?? (set.flags.includes('dynamic') ? 65535 : undefined);
  if (size !== undefined) s += `\t\tsize ${size}\n`;
  if (set.flags.length > 0) s += `\t\tflags ${set.flags.join(',')}\n`;
  if (set.timeoutMs !== undefined) s += `\t\ttimeout ${formatNftTime(set.timeoutMs)}\n`;
  if (set.gcIntervalMs !== undefined) s += `\t\tgc-interval ${formatNftTime(set.gcIntervalMs)}\n`;
  if (set.comment !== undefined) s += `\t\tcomment "${set.comment}"\n`;
  let els = set.elements.list(opts.now);
  if (set.flags.includes('interval')) els = sortElements(els);
  if (els.length > 0) {
    const perLine = set.keyTypes.length === 1 ? DATATYPES[set.keyTypes[0]!].perLine : 0;
    let body = '';
    els.forEach((el, i) => {
      if (i > 0) body += perLine > 0 && i % perLine !== 0 ? ', ' : ',\n\t\t\t     ';
      body += formatElement(el, set, opts.now);
    });
    s += `\t\telements = { ${body} }\n`;
  }
  return `${s}\t}\n`;
}
