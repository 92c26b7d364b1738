// Acceptance against the real nft (1.0.6 here): inside a network namespace this test
// creates and deletes, `nft -c -f` must accept the kube-proxy style fixtures and what
// our printer makes of them; loading our printed listing into the namespace and listing
// it again must give back the same text (modulo hash order and expiry clocks).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withNetns } from './_netns.js';
import { formatNftRuleset } from './nft-print.js';
import { NftRuleset } from './nft-ruleset.js';

const FIXTURES = ['kube-proxy-3svc.nft', 'kube-proxy-upstream.nft', 'nft-syntax.nft', 'nft-statements.nft'];
const read = (f: string): string => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

function normalize(listing: string): string {
  return listing
    .replace(/ expires [^ ,}\n]+/g, '')
    .replace(/elements = \{ ([\s\S]*?) \}\n/g, (_m, body: string) => `elements = { ${body.split(/,\n\t\t\t {5}|, /).sort().join(', ')} }\n`);
}

describe('real nft (in a throwaway network namespace)', () => {
  test('nft -c -f accepts the fixtures and our printed listings; nft lists our listing back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svcnet-nft-'));
    try {
      withNetns((_ns, run) => {
        for (const f of FIXTURES) {
          const src = join(dir, f);
          writeFileSync(src, read(f));
          const check = run(['nft', '-c', '-f', src]);
          assert.equal(check.code, 0, `nft -c -f ${f}: ${check.stderr}`);

          const rs = new NftRuleset();
          const loaded = rs.load(read(f), 0);
          assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.error));
          const ours = formatNftRuleset(rs);
          const printed = join(dir, `${f}.printed`);
          writeFileSync(printed, ours);
          const check2 = run(['nft', '-c', '-f', printed]);
          assert.equal(check2.code, 0, `nft -c -f (our listing of ${f}): ${check2.stderr}`);

          assert.equal(run(['nft', 'flush', 'ruleset']).code, 0);
          const apply = run(['nft', '-f', printed]);
          assert.equal(apply.code, 0, `nft -f (our listing of ${f}) in the namespace: ${apply.stderr}`);
          const listed = run(['nft', 'list', 'ruleset']);
          assert.equal(listed.code, 0);
          assert.equal(normalize(listed.stdout), normalize(ours), `listing of ${f}`);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('what nft refuses, the parser or the transaction refuses too', () => {
    const bad = [
      'add table ip t\nadd chain ip t c\nadd rule ip t c jump nowhere\n',
      'add table ip t\nadd map ip t m { type ipv4_addr : verdict ; }\nadd element ip t m { 1.2.3.4 : goto nowhere }\n',
      'add table ip t\nadd set ip t s { type ipv4_addr ; }\nadd element ip t s { 10.0.0.0/8 }\n',
      'add table ip t\nadd chain ip t c\nadd rule ip t c ip daddr 300.1.1.1 accept\n',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'svcnet-nft-'));
    try {
      withNetns((_ns, run) => {
        bad.forEach((text, i) => {
          const f = join(dir, `bad${i}.nft`);
          writeFileSync(f, text);
          assert.notEqual(run(['nft', '-c', '-f', f]).code, 0, `nft accepted bad${i}`);
          assert.ok(!new NftRuleset().load(text, 0).ok, `we accepted bad${i}`);
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
