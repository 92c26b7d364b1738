// `svcnet bgp summary`: the Tier-0's BGP sessions and what it advertises, in the spirit
// of `show ip bgp summary` (FRR) / `gobgp neighbor`.
import type { advertise } from '../src/lb/index.js';

const age = (ms: number | undefined): string => {
  if (ms === undefined) return 'never';
  const s = Math.floor(ms / 1000);
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
};

export function formatBgpSummary(st: advertise.Tier0BgpStatus): string {
  const lines = [`BGP router identifier ${st.routerId}, local AS number ${st.localAsn}`, ''];
  const head = ['Neighbor', 'AS', 'State', 'Up/Down', 'PfxSnt', 'Last down'];
  const rows = st.peers.map((p) => [p.peer, String(p.asn), p.state, age(p.uptimeMs), String(p.prefixesSent), p.lastDown ?? '-']);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((w[i] ?? 0) + 2))).join('');
  lines.push(fmt(head), ...rows.map(fmt), '', `Advertised (${st.prefixes.length}):`, ...st.prefixes.map((p) => `  ${p}`), '');
  return lines.join('\n');
}
