// GOLDEN: the article's cluster (kubernetes, kube-dns, nsxtestservice) rendered for
// k8s-node1 in kube-proxy's iptables mode, byte for byte; and the `iptables-save` of it
// once restored. UPDATE_GOLDEN=1 regenerates both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IptRuleset } from '../../../dataplane/iptables/index.js';
import { ARTICLE_NODE } from '../../model/article-cluster.js';
import { assertGolden } from '../_golden.js';
import { ARTICLE_POD_CIDR, articleModel } from './_article-model.js';
import { renderIptables } from './render-iptables.js';

const text = renderIptables(articleModel(), ARTICLE_NODE, { clusterCIDR: ARTICLE_POD_CIDR });

test('article cluster: iptables-restore input', () => {
  assertGolden(new URL('./testdata/article.iptables.golden', import.meta.url), text);
});

test('article cluster: iptables-save after restoring it', () => {
  const rs = new IptRuleset();
  const r = rs.restore(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  assertGolden(new URL('./testdata/article.save.golden', import.meta.url), rs.save());
});
