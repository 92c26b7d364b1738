// Pods bound to nodes (spec.nodeName set directly, no scheduler) come alive through the node
// agents: NSX-style addresses (demons on 172.25.5.0/24, kube-system on 172.25.4.0/24, as in
// the article), kubelet-shaped status and events, resolv.conf, exec and logs through the API
// server, hostNetwork pods, and graceful deletion that frees the address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace, Pod } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { ANNOTATION_POD_SUBNET, SUBNET_REGISTRY_NAME } from '../../src/node/index.js';
import { isReady, podSummary, sleep, startLab, type Lab } from './_lab.js';

let lab: Lab;

const running = (ns: string, name: string) => lab.waitFor(`${ns}/${name} ready`, async () => {
  const p = await lab.getPod(ns, name);
  return isReady(p) && p?.status?.phase === 'Running' ? p : undefined;
});

describe('pod lifecycle on node agents', { timeout: 20_000 }, () => {
  before(async () => {
    lab = await startLab();
    await lab.startAgent('k8s-master');
    await lab.startAgent('k8s-node1');
    await lab.startAgent('k8s-node2', { runtimeOptions: { images: { stubborn: { ignoreSigterm: true } } } });
    await lab.createNamespace('demons');
  });
  after(() => lab.stop());

  test('the article pods: Running 1/1 on 172.25.5.x, coredns on 172.25.4.x', async () => {
    await lab.createPod('demons', 'nsxtestapp-gdv6n', 'k8s-node1');
    const a = await running('demons', 'nsxtestapp-gdv6n');
    await lab.createPod('demons', 'nsxtestapp-pmkw6', 'k8s-node2');
    const b = await running('demons', 'nsxtestapp-pmkw6');
    assert.equal(podSummary(a), '1/1 Running 172.25.5.2');
    assert.equal(podSummary(b), '1/1 Running 172.25.5.3');
    const dns = { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }] };
    await lab.createPod('kube-system', 'coredns-fb8b8dccf-bns22', 'k8s-node2', dns);
    await lab.createPod('kube-system', 'coredns-fb8b8dccf-fklnx', 'k8s-node1', dns);
    const ips = [(await running('kube-system', 'coredns-fb8b8dccf-bns22')).status?.podIP, (await running('kube-system', 'coredns-fb8b8dccf-fklnx')).status?.podIP];
    assert.deepEqual(ips.sort(), ['172.25.4.2', '172.25.4.3']);
  });

  test('the status is what kubelet writes', async () => {
    const p = (await lab.getPod('demons', 'nsxtestapp-gdv6n'))!;
    const s = p.status!;
    assert.equal(s.hostIP, '10.190.5.11');
    assert.deepEqual(s.hostIPs, [{ ip: '10.190.5.11' }]);
    assert.deepEqual(s.podIPs, [{ ip: '172.25.5.2' }]);
    assert.equal(s.qosClass, 'BestEffort');
    assert.match(s.startTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      s.conditions?.map((c) => [c.type, c.status]),
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
    );
    const c = s.containerStatuses![0]!;
    assert.equal(c.name, 'nsx-demo');
    assert.equal(c.image, 'docker.io/dumlutimuralp/nsx-demo:latest');
    assert.match(c.imageID, /^docker\.io\/dumlutimuralp\/nsx-demo@sha256:[0-9a-f]{64}$/);
    assert.match(c.containerID ?? '', /^svcnet:\/\/[0-9a-f]{64}$/);
    assert.equal(c.ready, true);
    assert.equal(c.started, true);
    assert.equal(c.restartCount, 0);
    assert.ok(c.state?.running?.startedAt !== undefined);
    assert.deepEqual(c.lastState, {});
  });

  test('kubelet events on the container', async () => {
    const evs = await lab.waitFor('four events', async () => {
      const e = await lab.events('demons', 'nsxtestapp-gdv6n');
      return e.length >= 4 ? e : undefined;
    });
    assert.deepEqual(
      evs.map((e) => `${e.type} ${e.reason}: ${e.message}`),
      [
        'Normal Pulling: Pulling image "dumlutimuralp/nsx-demo"',
        'Normal Pulled: Successfully pulled image "dumlutimuralp/nsx-demo" in 0s (0s including waiting). Image size: 28319392 bytes.',
        'Normal Created: Created container: nsx-demo',
        'Normal Started: Started container nsx-demo',
      ],
    );
    for (const e of evs) {
      assert.equal(e.involvedObject.fieldPath, 'spec.containers{nsx-demo}');
      assert.equal(e.source?.component, 'kubelet');
      assert.equal(e.source?.host, 'k8s-node1');
    }
    await lab.createPod('demons', 'pinned-image', 'k8s-node1', { containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }] });
    await running('demons', 'pinned-image');
    const pulled = await lab.waitFor('Pulled', async () => (await lab.events('demons', 'pinned-image')).find((e) => e.reason === 'Pulled'));
    assert.equal(pulled.message, 'Container image "nginx:1.27" already present on machine');
  });

  test('subnets are recorded cluster-wide and published on the namespaces', async () => {
    const reg = await lab.client.get<ConfigMap>(Resources.configmaps, 'kube-system', SUBNET_REGISTRY_NAME);
    assert.equal(reg.data?.['demons'], '172.25.5.0/24');
    assert.equal(reg.data?.['kube-system'], '172.25.4.0/24');
    for (const [ns, subnet] of [['demons', '172.25.5.0/24'], ['kube-system', '172.25.4.0/24']] as const) {
      const n = await lab.waitFor(`annotation on ${ns}`, async () => {
        const x = await lab.client.get<Namespace>(Resources.namespaces, undefined, ns);
        return x.metadata.annotations?.[ANNOTATION_POD_SUBNET] !== undefined ? x : undefined;
      });
      assert.equal(n.metadata.annotations?.[ANNOTATION_POD_SUBNET], subnet);
    }
  });

  test('exec and logs through the API server reach the node agent', async () => {
    const agent = lab.agents.get('k8s-node1')!;
    const pod = (await lab.getPod('demons', 'nsxtestapp-gdv6n'))!;
    let out = '';
    const start = await agent.connector.exec(pod, { container: 'nsx-demo', command: ['cat', '/etc/resolv.conf'], stdin: false, stdout: true, stderr: true, tty: false }, { stdout: (d) => (out += Buffer.from(d).toString()), stderr: () => {} });
    assert.equal(start.kind, 'started');
    if (start.kind === 'started') assert.deepEqual(await start.session.done, { kind: 'exited', exitCode: 0 });
    assert.equal(out, 'nameserver 10.96.0.10\nsearch demons.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    const rec = agent.record('demons', 'nsxtestapp-gdv6n')!;
    const rt = lab.runtimes.get('k8s-node1')!;
    rt.writeLog(rec.containers.get('nsx-demo')!.current!.id, 'GET / 200');
    rt.writeLog(rec.containers.get('nsx-demo')!.current!.id, 'GET /healthz 200');
    const log = await lab.client.raw('GET', '/api/v1/namespaces/demons/pods/nsxtestapp-gdv6n/log?tailLines=1');
    assert.equal(log.toString(), 'GET /healthz 200\n');
    const refused = await agent.connector.logs(pod, { container: 'nsx-demo', follow: false, previous: true, tailLines: undefined, timestamps: false, limitBytes: undefined, sinceSeconds: undefined }, () => {}, new AbortController().signal);
    assert.deepEqual(refused, { kind: 'refused', reason: 'BadRequest', message: 'previous terminated container "nsx-demo" in pod "nsxtestapp-gdv6n" not found' });
    const other = await lab.agents.get('k8s-node2')!.connector.exec(pod, { container: 'nsx-demo', command: ['true'], stdin: false, stdout: true, stderr: false, tty: false }, { stdout: () => {}, stderr: () => {} });
    assert.equal(other.kind, 'refused');
  });

  test('a hostNetwork pod takes the node address and the node resolv.conf policy', async () => {
    await lab.createPod('kube-system', 'kube-proxy-mkm4w', 'k8s-node1', { hostNetwork: true, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.4' }] });
    const p = await running('kube-system', 'kube-proxy-mkm4w');
    assert.equal(p.status?.podIP, '10.190.5.11');
    await lab.createPod('kube-system', 'etcd-k8s-master', 'k8s-master', { hostNetwork: true, containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.5.16-0' }] });
    assert.equal((await running('kube-system', 'etcd-k8s-master')).status?.podIP, '10.190.5.10');
  });

  test('graceful deletion stops the containers, frees the address, removes the pod', async () => {
    await lab.client.delete(Resources.pods, 'demons', 'nsxtestapp-gdv6n');
    await lab.waitFor('pod gone', async () => (await lab.getPod('demons', 'nsxtestapp-gdv6n')) === undefined);
    const killing = (await lab.events('demons', 'nsxtestapp-gdv6n')).find((e) => e.reason === 'Killing');
    assert.equal(killing?.message, 'Stopping container nsx-demo');
    assert.equal(lab.runtimes.get('k8s-node1')!.find('demons', 'nsxtestapp-gdv6n', 'nsx-demo').length, 0, 'sandbox removed');
    // The freed 172.25.5.2 is the lowest free address again.
    await lab.createPod('demons', 'nsxtestapp-new', 'k8s-node2');
    assert.equal((await running('demons', 'nsxtestapp-new')).status?.podIP, '172.25.5.2');
  });

  test('a container ignoring SIGTERM is killed when the grace period ends', async () => {
    await lab.createPod('demons', 'stubborn', 'k8s-node2', { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'stubborn' }] });
    const ip = (await running('demons', 'stubborn')).status?.podIP;
    await lab.client.delete(Resources.pods, 'demons', 'stubborn');
    await lab.waitFor('Killing event', async () => (await lab.events('demons', 'stubborn')).some((e) => e.reason === 'Killing'));
    await lab.advance(29_000);
    await sleep(50);
    const still = await lab.getPod('demons', 'stubborn');
    assert.ok(still?.metadata.deletionTimestamp !== undefined, 'still terminating inside the grace period');
    assert.equal(still?.status?.podIP, ip);
    await lab.advance(1_000);
    await lab.waitFor('pod gone after the grace period', async () => (await lab.getPod('demons', 'stubborn')) === undefined);
  });

  test('a pod recreated under the same name is a new pod', async () => {
    await lab.createPod('demons', 'phoenix', 'k8s-node1');
    const first = await running('demons', 'phoenix');
    await lab.client.delete(Resources.pods, 'demons', 'phoenix', { gracePeriodSeconds: 0 });
    await lab.createPod('demons', 'phoenix', 'k8s-node1');
    const second = await lab.waitFor('new phoenix ready', async () => {
      const p = await lab.getPod('demons', 'phoenix');
      return p !== undefined && p.metadata.uid !== first.metadata.uid && isReady(p) ? p : undefined;
    });
    const rt = lab.runtimes.get('k8s-node1')!;
    await lab.waitFor('old sandbox removed', () => rt.find('demons', 'phoenix', 'nsx-demo').length === 1);
    assert.notEqual(second.status?.containerStatuses?.[0]?.containerID, first.status?.containerStatuses?.[0]?.containerID);
    const pods = await lab.client.list<Pod>(Resources.pods, 'demons');
    const ips = pods.items.map((p) => p.status?.podIP).filter((x) => x !== undefined);
    assert.equal(new Set(ips).size, ips.length, `addresses unique: ${ips.join(',')}`);
  });
});
