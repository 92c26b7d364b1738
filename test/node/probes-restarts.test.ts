// Probes, restart policies and back-offs end to end, on agent time (FakeClock): readiness
// gating Ready, liveness restarts, CrashLoopBackOff at 10 s then 20 s, Never / OnFailure
// outcomes, image pull failures, and init containers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, Pod } from '../../src/api/index.js';
import { isReady, podSummary, sleep, startLab, type Lab } from './_lab.js';

let lab: Lab;
let probeAnswers: Map<string, 'success' | 'failure'>;

const status = async (name: string): Promise<ContainerStatus | undefined> => (await lab.getPod('demons', name))?.status?.containerStatuses?.[0];
const until = <T>(what: string, fn: () => Promise<T | undefined | false>) => lab.waitFor(what, fn);
const phase = (name: string, want: string) => until(`${name} ${want}`, async () => {
  const p = await lab.getPod('demons', name);
  return p?.status?.phase === want ? p : undefined;
});

describe('probes and restarts', { timeout: 20_000 }, () => {
  before(async () => {
    lab = await startLab();
    probeAnswers = new Map();
    await lab.startAgent('k8s-node1', {
      runtimeOptions: {
        images: {
          crasher: { exit: { code: 1 }, logs: ['boom'] },
          'job:ok': { exit: { code: 0, afterMs: 1000 } },
          'job:bad': { exit: { code: 3, afterMs: 1000 } },
          'ghcr.io/nope/missing:1': { pullError: 'failed to pull and unpack image "ghcr.io/nope/missing:1": not found' },
        },
      },
    });
    lab.runtimes.get('k8s-node1')!.probeOverride = (ctx) => {
      const a = probeAnswers.get(`${ctx.pod}/${ctx.kind}`);
      return a === undefined ? undefined : a === 'success' ? { kind: 'success', output: '' } : { kind: 'failure', output: 'HTTP probe failed with statuscode: 503' };
    };
    await lab.createNamespace('demons');
  });
  after(() => lab.stop());

  test('readiness: Running 0/1 while the probe fails, 1/1 after it passes', async () => {
    probeAnswers.set('slow-start/readiness', 'failure');
    await lab.createPod('demons', 'slow-start', 'k8s-node1', { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 5 } }] });
    await until('first failed probe', async () => (await lab.events('demons', 'slow-start')).some((e) => e.reason === 'Unhealthy'));
    const p = (await lab.getPod('demons', 'slow-start'))!;
    assert.equal(podSummary(p), '0/1 Running 172.25.5.2');
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [app]');
    const ev = (await lab.events('demons', 'slow-start')).find((e) => e.reason === 'Unhealthy')!;
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    probeAnswers.set('slow-start/readiness', 'success');
    await lab.advance(5_000);
    await until('ready', async () => isReady(await lab.getPod('demons', 'slow-start')));
  });

  test('liveness failures restart the container (restartCount 1, lastState terminated)', async () => {
    await lab.createPod('demons', 'hangs', 'k8s-node1', { containers: [{ name: 'app', image: 'nginx', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10, failureThreshold: 3 } }] });
    const first = await until('running', async () => ((await status('hangs'))?.state?.running !== undefined ? status('hangs') : undefined));
    probeAnswers.set('hangs/liveness', 'failure');
    await lab.advance(30_000);
    const restarted = await until('restarted', async () => {
      const s = await status('hangs');
      return s?.restartCount === 1 && s.state?.running !== undefined ? s : undefined;
    });
    assert.notEqual(restarted.containerID, first!.containerID);
    assert.equal(restarted.lastState?.terminated?.containerID, first!.containerID);
    const killing = (await lab.events('demons', 'hangs')).find((e) => e.reason === 'Killing');
    assert.equal(killing?.message, 'Container app failed liveness probe, will be restarted');
    probeAnswers.delete('hangs/liveness');
    await until('Unhealthy events aggregated', async () => ((await lab.events('demons', 'hangs')).find((e) => e.reason === 'Unhealthy')?.count ?? 0) >= 3);
  });

  test('a crashing container: restarted at once, then CrashLoopBackOff 10 s, then 20 s', async () => {
    await lab.createPod('demons', 'crashy', 'k8s-node1', { containers: [{ name: 'app', image: 'crasher' }] });
    const backoff = (n: number, secs: string) =>
      until(`back-off ${secs} after ${n} restarts`, async () => {
        const s = await status('crashy');
        return s?.restartCount === n && s.state?.waiting?.reason === 'CrashLoopBackOff' ? s : undefined;
      }).then((s) => {
        assert.match(s.state?.waiting?.message ?? '', new RegExp(`^back-off ${secs} restarting failed container=app pod=crashy_demons\\(`));
        assert.equal(s.lastState?.terminated?.exitCode, 1);
        assert.equal(s.lastState?.terminated?.reason, 'Error');
        return s;
      });
    await backoff(1, '10s');
    const p = (await lab.getPod('demons', 'crashy'))!;
    assert.equal(p.status?.phase, 'Running');
    assert.equal(podSummary(p), '0/1 Running 172.25.5.4');
    await lab.advance(9_000);
    await sleep(30);
    assert.equal((await status('crashy'))?.restartCount, 1, 'still backing off at 9 s');
    await lab.advance(1_000);
    await backoff(2, '20s');
    await lab.advance(20_000);
    await backoff(3, '40s');
    const ev = (await lab.events('demons', 'crashy')).find((e) => e.reason === 'BackOff')!;
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, `Back-off restarting failed container app in pod crashy_demons(${p.metadata.uid})`);
    const logs = await lab.client.raw('GET', '/api/v1/namespaces/demons/pods/crashy/log?previous=true');
    assert.equal(logs.toString(), 'boom\n');
  });

  test('restartPolicy Never: Failed, address released but still shown', async () => {
    await lab.createPod('demons', 'once-bad', 'k8s-node1', { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:bad' }] });
    const running = await until('running', async () => ((await status('once-bad'))?.state?.running !== undefined ? lab.getPod('demons', 'once-bad') : undefined));
    const ip = running!.status?.podIP;
    await lab.advance(1_000);
    const p = await phase('once-bad', 'Failed');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(p.status?.podIP, ip);
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodFailed');
    await lab.createPod('demons', 'takes-freed', 'k8s-node1');
    const q = await until('ready', async () => {
      const x = await lab.getPod('demons', 'takes-freed');
      return isReady(x) ? x : undefined;
    });
    assert.equal(q.status?.podIP, ip, 'the finished pod gave its address back');
  });

  test('restartPolicy OnFailure: a clean exit completes the pod', async () => {
    await lab.createPod('demons', 'once-ok', 'k8s-node1', { restartPolicy: 'OnFailure', containers: [{ name: 'job', image: 'job:ok' }] });
    await until('running', async () => (await status('once-ok'))?.state?.running !== undefined);
    await lab.advance(1_000);
    const p: Pod = await phase('once-ok', 'Succeeded');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  });

  test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff, retried after 10 s', async () => {
    await lab.createPod('demons', 'typo', 'k8s-node1', { containers: [{ name: 'app', image: 'ghcr.io/nope/missing:1' }] });
    const failed = (n: number) => until(`${n} pull failures`, async () => (await lab.events('demons', 'typo')).find((e) => e.reason === 'Failed' && e.message === 'Error: ErrImagePull')?.count === n);
    await failed(1);
    const s = await until('ImagePullBackOff', async () => ((await status('typo'))?.state?.waiting?.reason === 'ImagePullBackOff' ? status('typo') : undefined));
    assert.equal(s!.state?.waiting?.message, 'Back-off pulling image "ghcr.io/nope/missing:1"');
    assert.equal((await lab.getPod('demons', 'typo'))?.status?.phase, 'Pending');
    const msgs = (await lab.events('demons', 'typo')).map((e) => `${e.type} ${e.reason}: ${e.message}`);
    assert.ok(msgs.includes('Warning Failed: Failed to pull image "ghcr.io/nope/missing:1": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/nope/missing:1": not found'), msgs.join('\n'));
    assert.ok(msgs.includes('Normal BackOff: Back-off pulling image "ghcr.io/nope/missing:1"'), msgs.join('\n'));
    await lab.advance(10_000);
    await failed(2);
  });

  test('init containers run to completion first', async () => {
    await lab.createPod('demons', 'with-init', 'k8s-node1', { initContainers: [{ name: 'setup', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] });
    const p = await until('ready', async () => {
      const x = await lab.getPod('demons', 'with-init');
      return isReady(x) ? x : undefined;
    });
    assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(p.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('after an agent restart a finished pod keeps its final status', async () => {
    const before = (await lab.getPod('demons', 'once-bad'))!;
    await lab.agents.get('k8s-node1')!.stop();
    await lab.startAgent('k8s-node1', { runtime: lab.runtimes.get('k8s-node1')! });
    await until('new agent ran a sync', async () => lab.agents.get('k8s-node1')!.podSync.stats.statusSkipped + lab.agents.get('k8s-node1')!.podSync.stats.statusWrites > 0);
    await sleep(100);
    const after = (await lab.getPod('demons', 'once-bad'))!;
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, 'not rewritten');
    assert.equal(after.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  });
});
