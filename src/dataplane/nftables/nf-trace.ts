// Netfilter trace events as text, close to `nft monitor trace`: one line per hook,
// conntrack decision, chain entered, rule that matched (with its verdict), policy, NAT.
import type { NfTraceEvent } from './nf-types.js';

export function formatNfTrace(events: readonly NfTraceEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'hook':
        out.push(`hook ${e.hook}: ${e.packet}`);
        break;
      case 'conntrack':
        out.push(`  conntrack (${e.hook}): ${e.text}`);
        break;
      case 'chain':
        out.push(`  ${e.table} ${e.chain} (${e.via})`);
        break;
      case 'rule':
        out.push(`    rule ${e.rule}${e.verdict !== undefined ? ` (verdict ${e.verdict})` : ''}`);
        break;
      case 'policy':
        out.push(`  ${e.table} ${e.chain} policy ${e.verdict}`);
        break;
      case 'return':
        out.push(`  ${e.table} ${e.chain} return`);
        break;
      case 'nat':
        out.push(`  nat ${e.manip} (${e.how}, ${e.hook}): ${e.before} => ${e.after}`);
        break;
      case 'note':
        out.push(`  note: ${e.text}`);
        break;
    }
  }
  return out;
}
