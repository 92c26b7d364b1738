// Services get endpoints: EndpointSlices (labels, owner, ports with named targetPorts
// resolved per pod, ready/serving/terminating) and the mirrored v1 Endpoints, against an
// in-process API server with the controllers and a stand-in kubelet.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Deployment, EndpointSlice, Endpoints, Pod, Service } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { eventually, list, startCluster, type TestCluster } from './_cluster.js';

const NS = 'demons';

function deployment(name: string, replicas: number, port: { name: string; containerPort: number }): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'web', image: 'dumlutimuralp/nsx-demo', ports: [port] }] } },
    },
  };
}

function service(name: string, selector: Record<string, string>, targetPort: number | string, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, labels: { team: 'nsx' } }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort, protocol: 'TCP' }], ...extra } };
}

describe('endpointslice and endpoints controllers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster();
    await c.client.create(Resources.deployments, NS, deployment('nsxtestapp', 2, { name: 'http', containerPort: 80 }));
  });
  after(async () => {
    await c.stop();
  });

  const runningPods = (app: string) =>
    eventually(`${app} pods running`, async () => {
      const ps = (await list<Pod>(c.client, Resources.pods, NS, `app=${app}`)).filter((p) => p.metadata.deletionTimestamp === undefined);
      return ps.length > 0 && ps.every((p) => p.status?.podIP !== undefined && p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) ? ps : undefined;
    });
  const slicesOf = (svc: string) => list<EndpointSlice>(c.client, Resources.endpointslices, NS, `kubernetes.io/service-name=${svc}`);
  const endpointsOf = (svc: string) => c.client.get<Endpoints>(Resources.endpoints, NS, svc);

  test('a Service selecting the pods gets an EndpointSlice and Endpoints with both pod IPs on port 80', async () => {
    const svc = await c.client.create<Service>(Resources.services, NS, service('nsxtestservice', { app: 'nsxtestapp' }, 80));
    let pods = await runningPods('nsxtestapp');
    pods = await eventually('2 pods', async () => ((await runningPods('nsxtestapp')).length === 2 ? runningPods('nsxtestapp') : undefined));
    const ips = pods.map((p) => p.status?.podIP ?? '').sort();
    const slice = await eventually('slice with both IPs', async () => {
      const ss = await slicesOf('nsxtestservice');
      const s = ss[0];
      return ss.length === 1 && s !== undefined && s.endpoints.length === 2 && s.endpoints.every((e) => e.conditions?.ready === true) ? s : undefined;
    });
    assert.match(slice.metadata.name ?? '', /^nsxtestservice-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(slice.metadata.labels, { team: 'nsx', 'kubernetes.io/service-name': 'nsxtestservice', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'nsxtestservice', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(slice.endpoints.map((e) => e.addresses[0]).sort(), ips);
    for (const e of slice.endpoints) {
      const pod = pods.find((p) => p.status?.podIP === e.addresses[0])!;
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
      assert.equal(e.nodeName, pod.spec?.nodeName);
      assert.deepEqual(e.targetRef, { kind: 'Pod', namespace: NS, name: pod.metadata.name, uid: pod.metadata.uid });
    }
    const ep = await eventually('endpoints', async () => {
      const e = await endpointsOf('nsxtestservice');
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    assert.equal(ep.metadata.labels?.['team'], 'nsx');
    assert.deepEqual(ep.subsets?.[0]?.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip), ips);
    assert.equal(ep.subsets?.[0]?.notReadyAddresses, undefined);
    const a0 = ep.subsets?.[0]?.addresses?.[0];
    const p0 = pods.find((p) => p.status?.podIP === a0?.ip)!;
    assert.deepEqual(a0, { ip: p0.status?.podIP, nodeName: p0.spec?.nodeName, targetRef: { kind: 'Pod', namespace: NS, name: p0.metadata.name, uid: p0.metadata.uid } });
  });

  test('a named targetPort resolves per pod; pods disagreeing on it land in different slices', async () => {
    await c.client.create(Resources.deployments, NS, deployment('alt', 1, { name: 'http', containerPort: 8080 }));
    await runningPods('alt');
    await c.client.create<Service>(Resources.services, NS, service('byname', { tier: 'web' }, 'http'));
    const ss = await eventually('two slices', async () => {
      const s = await slicesOf('byname');
      return s.length === 2 && s.reduce((n, x) => n + x.endpoints.length, 0) === 3 ? s : undefined;
    });
    const byPort = Object.fromEntries(ss.map((s) => [s.ports?.[0]?.port ?? 0, s.endpoints.length]));
    assert.deepEqual(byPort, { 80: 2, 8080: 1 });
    const ep = await eventually('endpoints with two subsets', async () => {
      const e = await endpointsOf('byname');
      return e.subsets?.length === 2 ? e : undefined;
    });
    assert.deepEqual(ep.subsets?.map((s) => [s.ports?.[0]?.port, s.addresses?.length]).sort(), [[80, 2], [8080, 1]]);
  });

  test('a pod turning not-ready moves to notReadyAddresses and ready=false', async () => {
    const pods = await runningPods('nsxtestapp');
    const victim = pods[0]!;
    await c.kubelet.setReady(NS, victim.metadata.name ?? '', false);
    const slice = await eventually('slice shows not ready', async () => {
      const s = (await slicesOf('nsxtestservice'))[0];
      const e = s?.endpoints.find((x) => x.addresses[0] === victim.status?.podIP);
      return e?.conditions?.ready === false ? s : undefined;
    });
    const e = slice.endpoints.find((x) => x.addresses[0] === victim.status?.podIP)!;
    assert.deepEqual(e.conditions, { ready: false, serving: false, terminating: false });
    const ep = await eventually('endpoints show not ready', async () => {
      const x = await endpointsOf('nsxtestservice');
      return x.subsets?.[0]?.notReadyAddresses?.length === 1 ? x : undefined;
    });
    assert.equal(ep.subsets?.[0]?.notReadyAddresses?.[0]?.ip, victim.status?.podIP);
    assert.equal(ep.subsets?.[0]?.addresses?.length, 1);
    await c.kubelet.setReady(NS, victim.metadata.name ?? '', true);
    await eventually('ready again', async () => ((await endpointsOf('nsxtestservice')).subsets?.[0]?.addresses?.length === 2 ? true : undefined));
  });

  test('a terminating pod is terminating=true, serving while ready, and leaves Endpoints', async () => {
    c.kubelet.finishDeletions = false;
    try {
      const pods = await runningPods('nsxtestapp');
      const victim = pods[0]!;
      await c.client.delete(Resources.pods, NS, victim.metadata.name ?? '');
      const e = await eventually('terminating endpoint', async () => {
        const s = await slicesOf('nsxtestservice');
        const x = s.flatMap((y) => y.endpoints).find((y) => y.addresses[0] === victim.status?.podIP);
        return x?.conditions?.terminating === true ? x : undefined;
      });
      assert.deepEqual(e.conditions, { ready: false, serving: true, terminating: true });
      const ep = await eventually('endpoints drop it', async () => {
        const x = await endpointsOf('nsxtestservice');
        const all = (x.subsets ?? []).flatMap((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])]);
        return !all.some((a) => a.ip === victim.status?.podIP) && (x.subsets?.[0]?.addresses?.length ?? 0) >= 1 ? x : undefined;
      });
      assert.ok(ep.subsets !== undefined);
      // While it terminates the replacement comes up; then the kubelet finishes the deletion.
      c.kubelet.finishDeletions = true;
      await c.client.patch(Resources.pods, NS, victim.metadata.name ?? '', 'merge', { metadata: { labels: { poke: '1' } } });
      await eventually('terminating endpoint gone', async () => {
        const s = await slicesOf('nsxtestservice');
        return s.flatMap((y) => y.endpoints).some((y) => y.addresses[0] === victim.status?.podIP) ? undefined : true;
      });
    } finally {
      c.kubelet.finishDeletions = true;
    }
  });

  test('publishNotReadyAddresses makes every endpoint ready; a Service without selector is left alone', async () => {
    await c.client.create<Service>(Resources.services, NS, service('all', { app: 'alt' }, 'http', { publishNotReadyAddresses: true }));
    const pods = await runningPods('alt');
    await c.kubelet.setReady(NS, pods[0]!.metadata.name ?? '', false);
    const s = await eventually('slice', async () => {
      const x = (await slicesOf('all'))[0];
      return x?.endpoints.length === 1 && x.endpoints[0]?.conditions?.serving === true ? x : undefined;
    });
    assert.deepEqual(s.endpoints[0]?.conditions, { ready: true, serving: true, terminating: false });
    await c.client.create<Service>(Resources.services, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual', namespace: NS }, spec: { ports: [{ port: 80 }] } });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await slicesOf('manual')).length, 0);
    await assert.rejects(endpointsOf('manual'), /not found/);
    const ours = await list<EndpointSlice>(c.client, Resources.endpointslices, 'default', 'kubernetes.io/service-name=kubernetes,endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io');
    assert.equal(ours.length, 0);
  });

  test('a Service with no matching pods keeps one placeholder slice; deleting the Service removes its Endpoints', async () => {
    await c.client.create<Service>(Resources.services, NS, service('empty', { app: 'nobody' }, 80));
    const s = await eventually('placeholder', async () => (await slicesOf('empty'))[0]);
    assert.deepEqual(s.endpoints, []);
    assert.deepEqual(s.ports ?? [], []);
    await eventually('endpoints', () => endpointsOf('empty'));
    await c.client.delete(Resources.services, NS, 'empty');
    await eventually('endpoints and slice gone', async () => {
      const ep = await endpointsOf('empty').catch(() => undefined);
      return ep === undefined && (await slicesOf('empty')).length === 0 ? true : undefined;
    });
  });
});
