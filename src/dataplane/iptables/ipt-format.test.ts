// iptables-restore in, iptables-save out, against what the real iptables 1.8.9 printed
// (testdata/*.save were captured with `iptables-restore -c < X.restore; iptables-save -c`
// in a throwaway network namespace; legacy and nft backends printed the same rules).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseIptablesRestore } from './ipt-parse.js';
import { IptRuleset } from './ipt-ruleset.js';

const read = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

function restored(text: string, opts: { noflush?: boolean; counters?: boolean } = { counters: true }): IptRuleset {
  const rs = new IptRuleset();
  const r = rs.restore(text, opts);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

describe('iptables-save format', () => {
  for (const name of ['kube-proxy-3svc', 'syntax']) {
    test(`${name}: iptables-save -c output byte for byte, and it restores to itself`, () => {
      const saved = restored(read(`${name}.restore`)).save({ counters: true });
      assert.equal(saved, read(`${name}.save`));
      assert.equal(restored(saved).save({ counters: true }), saved);
    });
  }

  test('kube-proxy upstream expectation parses; canonical form is stable', () => {
    const saved = restored(read('kube-proxy-upstream.restore')).save();
    assert.match(saved, /-A KUBE-SVC-4SW47YFZTEDKD3PK -d 172\.30\.0\.44\/32 ! -s 10\.0\.0\.0\/8|! -s 10\.0\.0\.0\/8 -d 172\.30\.0\.44\/32 -p tcp/);
    assert.match(saved, /-m statistic --mode random --probability 0\.50000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC/);
    assert.match(saved, /-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-I77PXRDZVX7PMWMN --mask 255\.255\.255\.255 --rsource/);
    assert.match(saved, /-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000\/0x4000/);
    assert.match(saved, /-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5\/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"\n/);
    assert.equal(restored(saved).save(), saved);
  });

  test('MARK variants normalize to --set-xmark as iptables does', () => {
    const rs = restored('*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-mark 0x10\n-A PREROUTING -j MARK --and-mark 0xff\n-A PREROUTING -j MARK --xor-mark 0x4000\nCOMMIT\n');
    const lines = rs.save().split('\n').filter((l) => l.startsWith('-A'));
    assert.deepEqual(lines, ['-A PREROUTING -j MARK --set-xmark 0x10/0xffffffff', '-A PREROUTING -j MARK --set-xmark 0x0/0xffffff00', '-A PREROUTING -j MARK --set-xmark 0x4000/0x0']);
  });
});

describe('iptables-restore checks', () => {
  const cases: [string, string, RegExp][] = [
    ['missing COMMIT', '*nat\n:FOO - [0:0]\n', /COMMIT expected/],
    ['unknown table', '*bogus\nCOMMIT\n', /Table does not exist/],
    ['chain name too long', '*filter\n:KUBE-SEP-ABCDEFGHIJKLMNOPQRSTUVWXYZ - [0:0]\nCOMMIT\n', /too long/],
    ['unknown match', '*filter\n-A INPUT -m frob --x 1 -j ACCEPT\nCOMMIT\n', /Couldn't load match `frob'/],
    ['port without protocol', '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n', /Need TCP, UDP, SCTP or DCCP/],
    ['tcp match without -p tcp', '*filter\n-A INPUT -m tcp --dport 80 -j ACCEPT\nCOMMIT\n', /only valid for protocol 6/],
    ['DNAT outside nat', '*filter\n-A INPUT -p tcp -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n', /only valid in the nat table/],
    ['jump to a missing chain', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOWHERE\nCOMMIT\n', /Couldn't load target `NOWHERE'/],
    ['user chain with a policy', '*filter\n:FOO ACCEPT [0:0]\nCOMMIT\n', /Can't set policy on user-defined chain/],
  ];
  for (const [name, text, re] of cases) {
    test(name, () => {
      const r = new IptRuleset().restore(text);
      assert.ok(!r.ok);
      assert.match(r.error.message, re);
    });
  }

  test('errors carry the line number', () => {
    const r = parseIptablesRestore('*filter\n:INPUT ACCEPT [0:0]\n\n-A INPUT -p tcp --dport x -j ACCEPT\nCOMMIT\n');
    assert.ok(!r.ok);
    assert.equal(r.error.line, 4);
  });

  test('--noflush (kube-proxy): a chain line flushes that chain, others stay; -X needs it unreferenced and empty', () => {
    const rs = restored('*nat\n:KUBE-A - [0:0]\n:KUBE-B - [0:0]\n-A KUBE-A -j KUBE-B\n-A KUBE-B -j RETURN\nCOMMIT\n', {});
    const busy = rs.restore('*nat\n-X KUBE-B\nCOMMIT\n', { noflush: true });
    assert.ok(!busy.ok);
    assert.match(busy.error.message, /still referenced/);
    const notEmpty = rs.restore('*nat\n:KUBE-A - [0:0]\n-X KUBE-B\nCOMMIT\n', { noflush: true });
    assert.ok(!notEmpty.ok);
    assert.match(notEmpty.error.message, /has rules/);
    assert.ok(rs.restore('*nat\n:KUBE-A - [0:0]\n:KUBE-B - [0:0]\n-X KUBE-B\nCOMMIT\n', { noflush: true }).ok);
    const saved = rs.save();
    assert.match(saved, /:KUBE-A - \[0:0\]/);
    assert.doesNotMatch(saved, /KUBE-B/);
  });

  test('a failing table section leaves that table as it was; earlier sections are committed', () => {
    const rs = restored('*filter\n:FOO - [0:0]\n-A FOO -j ACCEPT\nCOMMIT\n*nat\n:BAR - [0:0]\nCOMMIT\n', {});
    const r = rs.restore('*nat\n:BAZ - [0:0]\nCOMMIT\n*filter\n:FOO - [0:0]\n-A FOO -j NOWHERE\nCOMMIT\n');
    assert.ok(!r.ok);
    const saved = rs.save();
    assert.match(saved, /-A FOO -j ACCEPT/);
    assert.match(saved, /:BAZ - /);
    assert.doesNotMatch(saved, /:BAR - /);
  });

  test('-I, -R and -D by number and by rule', () => {
    const rs = restored('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 3 -j ACCEPT\nCOMMIT\n', {});
    assert.ok(rs.restore('*filter\n-I INPUT 2 -p tcp -m tcp --dport 2 -j ACCEPT\n-R INPUT 3 -p tcp -m tcp --dport 33 -j DROP\n-D INPUT -p tcp --dport 1 -j ACCEPT\nCOMMIT\n', { noflush: true }).ok);
    assert.deepEqual(
      rs.save().split('\n').filter((l) => l.startsWith('-A')),
      ['-A INPUT -p tcp -m tcp --dport 2 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 33 -j DROP'],
    );
    assert.ok(rs.restore('*filter\n-D INPUT 1\nCOMMIT\n', { noflush: true }).ok);
    assert.equal(rs.save().split('\n').filter((l) => l.startsWith('-A')).length, 1);
  });
});
