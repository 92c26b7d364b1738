// GOLDEN: the article's cluster (kubernetes, kube-dns, nsxtestservice) rendered for
// k8s-node1 in kube-proxy's nftables mode, byte for byte; and the same program as
// `nft list ruleset` prints it once loaded. UPDATE_GOLDEN=1 regenerates both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNftRuleset, NftRuleset } from '../../../dataplane/nftables/index.js';
import { ARTICLE_NODE } from '../../model/article-cluster.js';
import { assertGolden } from '../_golden.js';
import { ARTICLE_POD_CIDR, articleModel } from '../iptables/_article-model.js';
import { renderNftables } from './render-nftables.js';

const text = renderNftables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });

test('article cluster: nft -f program', () => {
  assertGolden(new URL('./testdata/article.nft.golden', import.meta.url), text);
});

test('article cluster: nft list ruleset after loading it', () => {
  const rs = new NftRuleset();
  const r = rs.load(text, 0);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  assertGolden(new URL('./testdata/article.list.golden', import.meta.url), formatNftRuleset(rs));
});
