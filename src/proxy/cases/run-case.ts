// Executes a ProxyCase's steps on a runner and collects what did not go as expected
// (no assertion library: every proxy mode's tests call this and assert the list is empty).
import type { Addr, CasePacket, Expect, Fate, PacketFlowRunner, ProxyCase } from './case-types.js';

const show = (f: Fate) => (f.kind === 'forwarded' ? `forwarded ${f.from} -> ${f.to}` : f.kind === 'reject' ? `reject (${f.reply})` : 'drop');

export function checkFate(f: Fate, e: Expect): string | undefined {
  if (f.kind !== e.kind) return `expected ${e.kind}, got ${show(f)}`;
  if (f.kind !== 'forwarded' || e.kind !== 'forwarded') return undefined;
  if (e.to !== undefined && !e.to.includes(f.to)) return `expected a destination in [${e.to.join(', ')}], got ${show(f)}`;
  if (e.from !== undefined && f.from !== e.from) return `expected source ${e.from}, got ${show(f)}`;
  if (e.fromIp !== undefined && f.from.slice(0, f.from.lastIndexOf(':')) !== e.fromIp) return `expected source IP ${e.fromIp}, got ${show(f)}`;
  return undefined;
}

export function withSourcePort(p: CasePacket, delta: number): CasePacket {
  const i = p.from.lastIndexOf(':');
  return { ...p, from: `${p.from.slice(0, i)}:${Number(p.from.slice(i + 1)) + delta}` };
}

export function runCase(c: ProxyCase, runner: PacketFlowRunner): string[] {
  const failures: string[] = [];
  const memory = new Map<string, { fate: Fate; proto: CasePacket['proto'] }>();
  const destOf = (label: string): Addr | undefined => {
    const m = memory.get(label)?.fate;
    return m?.kind === 'forwarded' ? m.to : undefined;
  };
  runner.setState(c.state);
  c.steps.forEach((s, i) => {
    if (s.modes !== undefined && !s.modes.includes(runner.mode)) return;
    const where = `step ${i + 1} (${s.kind})`;
    const fail = (msg: string) => failures.push(`${c.name}: ${where}: ${msg}`);
    switch (s.kind) {
      case 'state':
        runner.setState(s.state);
        return;
      case 'advance':
        runner.advance(s.seconds * 1000);
        return;
      case 'send': {
        const f = runner.send(s.packet);
        const bad = checkFate(f, s.expect);
        if (bad !== undefined) fail(bad);
        if (s.sameAs !== undefined && (f.kind !== 'forwarded' || f.to !== destOf(s.sameAs))) fail(`expected the destination of "${s.sameAs}" (${destOf(s.sameAs)}), got ${show(f)}`);
        if (s.notSameAs !== undefined && f.kind === 'forwarded' && f.to === destOf(s.notSameAs)) fail(`expected a destination other than "${s.notSameAs}" (${f.to})`);
        if (s.remember !== undefined) memory.set(s.remember, { fate: f, proto: s.packet.proto });
        return;
      }
      case 'spread': {
        const seen = new Set<Addr>();
        for (let n = 0; n < s.connections; n++) {
          const f = runner.send(withSourcePort(s.packet, n));
          const bad = checkFate(f, s.expect);
          if (bad !== undefined) return void fail(`connection ${n + 1}: ${bad}`);
          if (f.kind === 'forwarded') seen.add(f.to);
        }
        if (s.all && s.expect.kind === 'forwarded' && s.expect.to !== undefined) {
          const missing = s.expect.to.filter((t) => !seen.has(t));
          if (missing.length > 0) fail(`over ${s.connections} connections never reached ${missing.join(', ')} (reached ${[...seen].join(', ')})`);
        }
        return;
      }
      case 'sticky': {
        const dest = sticky(runner, s.packet, s.connections, fail);
        if (dest === undefined) return;
        if (s.sameAs !== undefined && dest !== destOf(s.sameAs)) fail(`expected the destination of "${s.sameAs}" (${destOf(s.sameAs)}), got ${dest}`);
        if (s.remember !== undefined) memory.set(s.remember, { fate: { kind: 'forwarded', from: s.packet.from, to: dest }, proto: s.packet.proto });
        return;
      }
      case 'rechosen': {
        let changed = 0;
        s.packets.forEach((p, k) => {
          const dest = sticky(runner, p, s.connections, fail);
          const label = s.remembered[k];
          if (dest !== undefined && label !== undefined && dest !== destOf(label)) changed++;
        });
        if (changed === 0) fail(`no client was sent anywhere new (${s.packets.length} clients)`);
        return;
      }
      case 'reply': {
        const m = memory.get(s.of);
        if (m === undefined || m.fate.kind !== 'forwarded') return void fail(`"${s.of}" is not a forwarded connection`);
        const bad = checkFate(runner.reply({ from: m.fate.from, to: m.fate.to, proto: m.proto }), s.expect);
        if (bad !== undefined) fail(bad);
        return;
      }
    }
  });
  return failures;
}

function sticky(runner: PacketFlowRunner, p: CasePacket, connections: number, fail: (m: string) => void): Addr | undefined {
  let dest: Addr | undefined;
  for (let n = 0; n < connections; n++) {
    const f = runner.send(withSourcePort(p, n));
    if (f.kind !== 'forwarded') {
      fail(`connection ${n + 1} from ${p.from}: ${show(f)}`);
      return undefined;
    }
    if (dest !== undefined && f.to !== dest) {
      fail(`connection ${n + 1} from ${p.from} went to ${f.to}, earlier ones to ${dest}`);
      return undefined;
    }
    dest = f.to;
  }
  return dest;
}
