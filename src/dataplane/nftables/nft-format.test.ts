// Parse -> print against what the real nft 1.0.6 printed for the same input
// (testdata/*.list were captured with `nft -f X.nft; nft list ruleset` in a throwaway
// network namespace), and the transaction rules of `nft -f`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatNftRuleset } from './nft-print.js';
import { parseNft } from './nft-parse.js';
import { NftRuleset } from './nft-ruleset.js';
import { formatNftTime, parseNftTime } from './nft-time.js';
import { formatPriority } from './nft-print.js';

const read = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

/** nft prints hash sets in hash order and `expires` from the clock: compare without both. */
function normalize(listing: string): string {
  return listing
    .replace(/ expires [^ ,}\n]+/g, '')
    .replace(/elements = \{ ([\s\S]*?) \}\n/g, (_m, body: string) => `elements = { ${body.split(/,\n\t\t\t {5}|, /).sort().join(', ')} }\n`);
}

function load(text: string): NftRuleset {
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return rs;
}

describe('nft text format', () => {
  for (const name of ['nft-syntax', 'nft-statements', 'kube-proxy-3svc', 'kube-proxy-upstream']) {
    test(`${name}: printed like nft list ruleset, and the listing loads back to the same print`, () => {
      const printed = formatNftRuleset(load(read(`${name}.nft`)));
      const real = read(`${name}.list`);
      assert.equal(normalize(printed), normalize(real));
      assert.equal(normalize(formatNftRuleset(load(real))), normalize(printed));
    });
  }

  test('nft-syntax: byte for byte (no hash sets with several elements, no timeouts)', () => {
    assert.equal(formatNftRuleset(load(read('nft-syntax.nft'))), read('nft-syntax.list'));
  });

  test('counters print their values; expires needs a clock', () => {
    const rs = load('table ip t { set s { type ipv4_addr; flags timeout; timeout 1h; }\n chain c { type filter hook input priority 0; counter accept } }\nadd element ip t s { 10.0.0.1 }');
    const rule = rs.table('ip', 't')!.chains.get('c')!.rules[0]!;
    const counter = rule.stmts[0]!;
    assert.equal(counter.k, 'counter');
    if (counter.k === 'counter') {
      counter.packets = 3;
      counter.bytes = 180;
    }
    const out = formatNftRuleset(rs, { now: 1000 });
    assert.match(out, /counter packets 3 bytes 180 accept/);
    assert.match(out, /elements = \{ 10\.0\.0\.1 expires 59m59s \}/);
    assert.doesNotMatch(formatNftRuleset(rs), /expires/);
  });

  test('times and priorities', () => {
    assert.equal(parseNftTime('10800s'), 10_800_000);
    assert.equal(parseNftTime('1m40s'), 100_000);
    assert.equal(parseNftTime('1d2h'), 93_600_000);
    assert.equal(parseNftTime('250ms'), 250);
    assert.equal(parseNftTime('42'), 42_000);
    assert.equal(parseNftTime('3x'), undefined);
    assert.equal(formatNftTime(10_800_000), '3h');
    assert.equal(formatNftTime(99_984), '1m39s984ms');
    assert.equal(formatPriority(-110, 'prerouting'), 'dstnat - 10');
    assert.equal(formatPriority(-100, 'output'), '-100');
    assert.equal(formatPriority(100, 'postrouting'), 'srcnat');
    assert.equal(formatPriority(5, 'forward'), 'filter + 5');
    assert.equal(formatPriority(-165, 'input'), '-165');
  });

  test('syntax errors carry line and column', () => {
    const r = parseNft('add table ip t\nadd chain ip t c\nadd rule ip t c ip daddr 10.0.0.300 accept\n');
    assert.ok(!r.ok);
    assert.equal(r.error.line, 3);
    assert.match(r.error.message, /10\.0\.0\.300/);
    const r2 = parseNft('add rule ip t c frobnicate\n');
    assert.ok(!r2.ok);
    assert.match(r2.error.message, /unsupported expression 'frobnicate'/);
  });
});

describe('nft -f transactions', () => {
  test('a failing command rolls the whole file back', () => {
    const rs = load('add table ip t\nadd chain ip t c\nadd rule ip t c accept\n');
    const before = formatNftRuleset(rs);
    const r = rs.load('add chain ip t d\nadd rule ip t d accept\nflush chain ip t c\nadd rule ip t d jump missing\n', 0);
    assert.ok(!r.ok);
    assert.equal(r.error.line, 4);
    assert.match(r.error.message, /chain missing/);
    assert.equal(formatNftRuleset(rs), before);
  });

  test('a chain in use cannot be deleted; flush + remove the reference first (kube-proxy order)', () => {
    const rs = load(read('kube-proxy-3svc.nft'));
    const svc = 'service-ULMVA6XW-ns1/svc1/tcp/p80';
    const busy = rs.load(`flush chain ip kube-proxy ${svc}\ndelete chain ip kube-proxy ${svc}\n`, 0);
    assert.ok(!busy.ok);
    assert.match(busy.error.message, /in use/);
    const ok = rs.load(
      [
        `delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }`,
        `flush chain ip kube-proxy ${svc}`,
        `delete chain ip kube-proxy ${svc}`,
        `flush chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80`,
        `delete chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80`,
      ].join('\n'),
      0,
    );
    assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.error));
    assert.equal(rs.table('ip', 'kube-proxy')!.chains.has(svc), false);
  });

  test('create refuses what exists; add of an existing map element with other data fails', () => {
    const rs = load('add table ip t\nadd chain ip t a\nadd chain ip t b\nadd map ip t m { type ipv4_addr : verdict ; }\nadd element ip t m { 1.1.1.1 : goto a }\n');
    assert.ok(!rs.load('create chain ip t a\n', 0).ok);
    assert.ok(rs.load('add element ip t m { 1.1.1.1 : goto a }\n', 0).ok);
    const r = rs.load('add element ip t m { 1.1.1.1 : goto b }\n', 0);
    assert.ok(!r.ok);
    assert.match(r.error.message, /different data/);
    assert.ok(!rs.load('delete element ip t m { 2.2.2.2 }\n', 0).ok);
    assert.ok(rs.load('destroy element ip t m { 2.2.2.2 }\n', 0).ok);
  });

  test('rule positions: insert, add after handle, replace and delete by handle', () => {
    const rs = load('add table ip t\nadd chain ip t c\nadd rule ip t c tcp dport 1 accept\nadd rule ip t c tcp dport 3 accept\n');
    const c = rs.table('ip', 't')!.chains.get('c')!;
    const h1 = c.rules[0]!.handle;
    const h3 = c.rules[1]!.handle;
    assert.ok(rs.load(`add rule ip t c handle ${h1} tcp dport 2 accept\ninsert rule ip t c tcp dport 0 accept\n`, 0).ok);
    assert.ok(rs.load(`replace rule ip t c handle ${h3} tcp dport 33 accept\n`, 0).ok);
    assert.equal(c.rules.length, 4);
    assert.match(formatNftRuleset(rs), /tcp dport 0 accept\n\t\ttcp dport 1 accept\n\t\ttcp dport 2 accept\n\t\ttcp dport 33 accept/);
    assert.ok(rs.load(`delete rule ip t c handle ${h1}\n`, 0).ok);
    assert.doesNotMatch(formatNftRuleset(rs), /dport 1 accept/);
  });
});
