// Acceptance against the real iptables (1.8.9 here), inside a network namespace this
// test creates and deletes: `iptables-restore --test` (and the -nft / -legacy variants
// when installed) accepts the fixtures and our iptables-save output; restoring our output
// into the namespace and saving it again gives our text back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { exec, withNetns } from '../nftables/_netns.js';
import { IptRuleset } from './ipt-ruleset.js';

const read = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const RESTORES = ['iptables-restore', 'iptables-nft-restore', 'iptables-legacy-restore'].filter((b) => exec('sh', ['-c', `command -v ${b}`]).code === 0);

function ours(text: string): string {
  const rs = new IptRuleset();
  const r = rs.restore(text, { counters: true });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs.save({ counters: true });
}

describe('real iptables (in a throwaway network namespace)', () => {
  test('iptables-restore --test accepts the fixtures and our iptables-save output', () => {
    assert.ok(RESTORES.includes('iptables-restore'), 'iptables-restore is not installed');
    withNetns((_ns, run) => {
      for (const f of ['kube-proxy-3svc.restore', 'kube-proxy-upstream.restore', 'syntax.restore']) {
        for (const bin of RESTORES) {
          const a = run([bin, '--test'], read(f));
          assert.equal(a.code, 0, `${bin} --test < ${f}: ${a.stderr}`);
          const b = run([bin, '--test', '--counters'], ours(read(f)));
          assert.equal(b.code, 0, `${bin} --test < our save of ${f}: ${b.stderr}`);
        }
      }
    });
  });

  test('restoring our output and saving it again gives the same text (nft and legacy backends)', () => {
    withNetns((_ns, run) => {
      for (const f of ['kube-proxy-3svc.restore', 'syntax.restore']) {
        const mine = ours(read(f));
        for (const [restore, save] of [
          ['iptables-nft-restore', 'iptables-nft-save'],
          ['iptables-legacy-restore', 'iptables-legacy-save'],
        ] as const) {
          if (!RESTORES.includes(restore)) continue;
          const r = run([restore, '--counters'], mine);
          assert.equal(r.code, 0, `${restore} < our save of ${f}: ${r.stderr}`);
          const s = run([save, '--counters']);
          assert.equal(s.code, 0, s.stderr);
          const saved = s.stdout
            .split('\n')
            .filter((l) => !l.startsWith('#'))
            .join('\n');
          // Legacy lists tables in module load order; compare per table.
          const tables = (t: string): string[] => t.split(/(?=^\*)/m).map((x) => x.trim()).filter((x) => x !== '').sort();
          assert.deepEqual(tables(saved), tables(mine), `${save} after restoring our save of ${f}`);
          for (const t of ['filter', 'nat']) run([restore.replace('-restore', ''), '-t', t, '-F']);
          for (const t of ['filter', 'nat']) run([restore.replace('-restore', ''), '-t', t, '-X']);
        }
      }
    });
  });

  test('what iptables-restore --test refuses, we refuse', () => {
    const bad = [
      '*nat\n:FOO - [0:0]\n',
      '*filter\n:KUBE-SEP-ABCDEFGHIJKLMNOPQRSTUVWXYZ - [0:0]\nCOMMIT\n',
      '*filter\n-A INPUT -m frob --x 1 -j ACCEPT\nCOMMIT\n',
      '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n',
      '*bogus\nCOMMIT\n',
    ];
    withNetns((_ns, run) => {
      bad.forEach((text, i) => {
        assert.notEqual(run(['iptables-restore', '--test'], text).code, 0, `iptables-restore accepted bad${i}`);
        assert.ok(!new IptRuleset().restore(text).ok, `we accepted bad${i}`);
      });
    });
  });
});
