// The kube-proxy-style programs we render for the article's cluster are accepted by the real
// tools: `nft -c -f` and `iptables-restore --test`, inside a network namespace this test creates
// and deletes (nothing is applied to the host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withNetns } from '../../src/dataplane/nftables/_netns.js';
import { ARTICLE_NODE } from '../../src/proxy/model/article-cluster.js';
import { ARTICLE_POD_CIDR, articleModel } from '../../src/proxy/render/iptables/_article-model.js';
import { renderIptables } from '../../src/proxy/render/iptables/index.js';
import { renderNftables } from '../../src/proxy/render/nftables/index.js';

test('nft -c accepts the rendered nftables program for the article cluster', () => {
  const text = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });
  withNetns((_ns, run) => {
    const r = run(['nft', '-c', '-f', '-'], text);
    assert.equal(r.code, 0, `nft -c rejected our ruleset:\n${r.stderr}\n--- ruleset ---\n${text}`);
    // And the check is real: a corrupted program is refused.
    const bad = run(['nft', '-c', '-f', '-'], text.replace('vmap @service-ips', 'vmap @no-such-map'));
    assert.notEqual(bad.code, 0);
  });
});

test('iptables-restore --test accepts the rendered iptables program for the article cluster', () => {
  const text = renderIptables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });
  withNetns((_ns, run) => {
    const r = run(['iptables-restore', '--test'], text);
    assert.equal(r.code, 0, `iptables-restore --test rejected our ruleset:\n${r.stderr}\n--- ruleset ---\n${text}`);
    const bad = run(['iptables-restore', '--test'], text.replace('-j DNAT --to-destination', '-j DNAT --no-such-option'));
    assert.notEqual(bad.code, 0);
  });
});
