import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeState, probeTiming } from './probe-state.js';
import type { ProbeKind } from './runtime.js';

type Step = 's' | 'f';

describe('probe state (kubelet worker thresholds)', () => {
  const cases: { name: string; kind: ProbeKind; success?: number; failure?: number; steps: Step[]; results: string[]; restartAt?: number }[] = [
    { name: 'readiness starts failed and turns ready on the first success', kind: 'readiness', steps: ['s', 's'], results: ['success', 'success'] },
    { name: 'readiness with successThreshold 3 needs three in a row', kind: 'readiness', success: 3, steps: ['s', 's', 'f', 's', 's', 's'], results: ['failure', 'failure', 'failure', 'failure', 'failure', 'success'] },
    { name: 'readiness drops after failureThreshold failures in a row', kind: 'readiness', failure: 3, steps: ['s', 'f', 'f', 's', 'f', 'f', 'f'], results: ['success', 'success', 'success', 'success', 'success', 'success', 'failure'] },
    { name: 'readiness failureThreshold 1 drops at once', kind: 'readiness', failure: 1, steps: ['s', 'f', 's'], results: ['success', 'failure', 'success'] },
    { name: 'liveness starts succeeded; three failures restart', kind: 'liveness', failure: 3, steps: ['f', 'f', 'f'], results: ['success', 'success', 'failure'], restartAt: 2 },
    { name: 'liveness on hold after a restart request ignores further results', kind: 'liveness', failure: 1, steps: ['f', 's', 's'], results: ['failure', 'failure', 'failure'], restartAt: 0 },
    { name: 'startup starts unknown and succeeds', kind: 'startup', steps: ['f', 's'], results: ['unknown', 'success'] },
    { name: 'startup failing failureThreshold times restarts', kind: 'startup', failure: 2, steps: ['f', 'f'], results: ['unknown', 'failure'], restartAt: 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const st = new ProbeState(c.kind, { successThreshold: c.success ?? 1, failureThreshold: c.failure ?? 3 });
      const got: string[] = [];
      let restartAt: number | undefined;
      c.steps.forEach((s, i) => {
        const o = st.observe(s === 's' ? 'success' : 'failure');
        got.push(o.result);
        if (o.restart) restartAt = i;
      });
      assert.deepEqual(got, c.results);
      assert.equal(restartAt, c.restartAt);
    });
  }

  test('changed is reported only when the cached result flips', () => {
    const st = new ProbeState('readiness', { successThreshold: 1, failureThreshold: 1 });
    assert.equal(st.observe('success').changed, true);
    assert.equal(st.observe('success').changed, false);
    assert.equal(st.observe('failure').changed, true);
  });

  test('timing defaults as the API server defaults them', () => {
    assert.deepEqual(probeTiming({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(probeTiming({ initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1 }), {
      initialDelayMs: 5000,
      periodMs: 2000,
      timeoutMs: 3000,
      successThreshold: 2,
      failureThreshold: 1,
    });
  });
});
