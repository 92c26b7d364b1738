import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment, IntOrString } from '../../api/index.js';
import { scaledValue } from '../int-or-percent.js';
import { maxSurge, maxUnavailable, resolveFenceposts, templatesEqualIgnoringHash } from './deployment-util.js';

function dep(replicas: number, surge?: IntOrString, unavailable?: IntOrString, type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'd' } },
      template: {},
      strategy: { type, ...(type === 'RollingUpdate' ? { rollingUpdate: { ...(surge !== undefined ? { maxSurge: surge } : {}), ...(unavailable !== undefined ? { maxUnavailable: unavailable } : {}) } } : {}) },
    },
  };
}

describe('deployment fenceposts', () => {
  test('percentages: surge rounds up, unavailable rounds down, both zero means one unavailable', () => {
    const cases: { replicas: number; surge?: IntOrString; unavailable?: IntOrString; want: [number, number] }[] = [
      { replicas: 10, want: [3, 2] }, // 25% of 10 = 2.5
      { replicas: 4, want: [1, 1] },
      { replicas: 2, want: [1, 0] },
      { replicas: 1, want: [1, 0] },
      { replicas: 3, surge: '0%', unavailable: '0%', want: [0, 1] },
      { replicas: 3, surge: 0, unavailable: 0, want: [0, 1] },
      { replicas: 10, surge: '50%', unavailable: '33%', want: [5, 3] },
      { replicas: 5, surge: 2, unavailable: '10%', want: [2, 0] },
    ];
    for (const c of cases) {
      const f = resolveFenceposts(dep(c.replicas, c.surge, c.unavailable));
      assert.deepEqual([f.surge, f.unavailable], c.want, JSON.stringify(c));
    }
  });

  test('maxUnavailable is capped by the replicas and zero for Recreate; maxSurge zero for Recreate', () => {
    assert.equal(maxUnavailable(dep(2, 0, 5)), 2);
    assert.equal(maxUnavailable(dep(0)), 0);
    assert.equal(maxUnavailable(dep(10, undefined, undefined, 'Recreate')), 0);
    assert.equal(maxSurge(dep(10, undefined, undefined, 'Recreate')), 0);
  });

  test('a string that is not a percentage is an error', () => {
    assert.deepEqual(scaledValue('5', 10, true), { ok: false, error: 'invalid value for IntOrString: invalid type: string is not a percentage' });
  });

  test('template equality ignores only the pod-template-hash label', () => {
    const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.ok(templatesEqualIgnoringHash(a, { ...a, metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } } }));
    assert.ok(!templatesEqualIgnoringHash(a, { ...a, metadata: { labels: { app: 'y' } } }));
    assert.ok(!templatesEqualIgnoringHash(a, { ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  });
});
