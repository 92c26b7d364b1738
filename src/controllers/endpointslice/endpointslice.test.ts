import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointSlice, Service } from '../../api/index.js';
import { podInfo } from '../_test-fixtures.js';
import type { PodInfo } from '../pod-info.js';
import { desiredGroups, groupKey, resolveTargetPort } from './desired-endpoints.js';
import { reconcileSlices, type SliceAction } from './slice-reconciler.js';

function service(o: { targetPort?: number | string; publishNotReady?: boolean; labels?: Record<string, string>; headless?: boolean } = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', ...(o.labels !== undefined ? { labels: o.labels } : {}) },
    spec: {
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: o.targetPort ?? 8080, protocol: 'TCP' }],
      ...(o.publishNotReady === true ? { publishNotReadyAddresses: true } : {}),
      ...(o.headless === true ? { clusterIP: 'None' } : {}),
    },
  };
}

let n = 0;
function pod(o: Partial<PodInfo> = {}): PodInfo {
  n++;
  return podInfo({ name: `p${n}`, labels: { app: 'web' }, nodeName: 'k8s-node1', phase: 'Running', ready: true, podIPs: [`10.0.0.${n}`], ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], ...o });
}

const zones = (node: string) => (node === 'k8s-node1' ? 'zone-a' : undefined);

describe('desired endpoints', () => {
  test('conditions: ready, serving, terminating, publishNotReadyAddresses', () => {
    const cases: { pod: Partial<PodInfo>; publishNotReady?: boolean; want: { ready: boolean; serving: boolean; terminating: boolean } }[] = [
      { pod: {}, want: { ready: true, serving: true, terminating: false } },
      { pod: { ready: false }, want: { ready: false, serving: false, terminating: false } },
      { pod: { deletionMs: 1 }, want: { ready: false, serving: true, terminating: true } },
      { pod: { deletionMs: 1, ready: false }, want: { ready: false, serving: false, terminating: true } },
      { pod: { ready: false }, publishNotReady: true, want: { ready: true, serving: true, terminating: false } },
    ];
    for (const c of cases) {
      const g = [...desiredGroups(service({ publishNotReady: c.publishNotReady ?? false }), [pod(c.pod)], zones).values()][0]!;
      assert.deepEqual([...g.endpoints.values()][0]?.conditions, c.want, JSON.stringify(c));
    }
  });

  test('an endpoint carries nodeName, zone, targetRef and (when it names the service) hostname', () => {
    const p = pod({ hostname: 'h1', subdomain: 'web' });
    const g = [...desiredGroups(service(), [p], zones).values()][0]!;
    assert.deepEqual([...g.endpoints.values()][0], {
      addresses: [p.podIPs[0]],
      conditions: { ready: true, serving: true, terminating: false },
      hostname: 'h1',
      targetRef: { kind: 'Pod', namespace: 'ns', name: p.name, uid: p.uid },
      nodeName: 'k8s-node1',
      zone: 'zone-a',
    });
    assert.deepEqual(g.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  test('pods without an IP or finished are left out', () => {
    const groups = desiredGroups(service(), [pod({ podIPs: [] }), pod({ phase: 'Succeeded' }), pod({ phase: 'Failed' })], zones);
    assert.equal(groups.size, 0);
  });

  test('named targetPorts resolve per pod and split the groups; an unresolvable port is dropped for that pod', () => {
    const svc = service({ targetPort: 'http' });
    const a = pod();
    const b = pod({ ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] });
    const c = pod({ ports: [{ name: 'http', containerPort: 9090, protocol: 'UDP' }] });
    const groups = desiredGroups(svc, [a, b, c], zones);
    const sizes = Object.fromEntries([...groups.values()].map((g) => [g.ports.map((p) => p.port).join(',') || 'none', g.endpoints.size]));
    assert.deepEqual(sizes, { 8080: 1, 9090: 1, none: 1 });
    assert.equal(resolveTargetPort(a, { port: 80 }), 80, 'no targetPort means the port');
    assert.equal(resolveTargetPort(a, { port: 80, targetPort: '8443' }), 8443);
  });
});

function existingSlice(name: string, endpoints: { ip: string; ready?: boolean }[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: 'ns',
      resourceVersion: '7',
      labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true, serving: e.ready ?? true, terminating: false } })),
    ports,
  };
}

/** Pods whose endpoints are exactly the minimal shape existingSlice() writes. */
const bare = (ip: string, ready = true) => podInfo({ name: ip, labels: { app: 'web' }, phase: 'Running', ready, podIPs: [ip], ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });

function stripTargetRefs(groups: ReturnType<typeof desiredGroups>): ReturnType<typeof desiredGroups> {
  for (const g of groups.values()) for (const [k, e] of g.endpoints) g.endpoints.set(k, { addresses: e.addresses, conditions: e.conditions ?? {} });
  return groups;
}

function summarize(actions: readonly SliceAction[]): string[] {
  return actions.map((a) => `${a.type} ${a.slice.metadata.name ?? a.slice.metadata.generateName}: ${a.slice.endpoints.map((e) => `${e.addresses[0]}${e.conditions?.ready === true ? '' : '(nr)'}`).join(',')} [${(a.slice.ports ?? []).map((p) => p.port).join(',')}]`);
}

describe('reconcileSlices', () => {
  const desired = (pods: PodInfo[]) => stripTargetRefs(desiredGroups(service(), pods, () => undefined));
  const cases: { name: string; pods: PodInfo[]; existing: EndpointSlice[]; max?: number; want: string[] }[] = [
    { name: 'nothing yet: one new slice', pods: [bare('10.0.0.2'), bare('10.0.0.1')], existing: [], want: ['create web-: 10.0.0.1,10.0.0.2 [8080]'] },
    { name: 'unchanged: nothing to write', pods: [bare('10.0.0.1'), bare('10.0.0.2')], existing: [existingSlice('web-a', [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }])], want: [] },
    {
      name: 'a changed endpoint is updated in place, a new one appended, a gone one dropped',
      pods: [bare('10.0.0.1', false), bare('10.0.0.3')],
      existing: [existingSlice('web-a', [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }])],
      want: ['update web-a: 10.0.0.1(nr),10.0.0.3 [8080]'],
    },
    {
      name: 'more than the maximum per slice spills into a new slice',
      pods: [bare('10.0.0.1'), bare('10.0.0.2'), bare('10.0.0.3')],
      existing: [existingSlice('web-a', [{ ip: '10.0.0.1' }])],
      max: 2,
      want: ['create web-: 10.0.0.3 [8080]', 'update web-a: 10.0.0.1,10.0.0.2 [8080]'],
    },
    {
      name: 'a slice with ports nobody wants is reused for the new group (one update, no delete+create)',
      pods: [bare('10.0.0.1')],
      existing: [existingSlice('web-old', [{ ip: '10.0.0.9' }], [{ name: 'http', port: 7070, protocol: 'TCP' }])],
      want: ['update web-old: 10.0.0.1 [8080]'],
    },
    {
      name: 'no endpoints: the existing slice becomes the placeholder, extra slices are deleted',
      pods: [],
      existing: [existingSlice('web-a', [{ ip: '10.0.0.1' }]), existingSlice('web-b', [{ ip: '10.0.0.2' }])],
      want: ['update web-a:  []', 'delete web-b: 10.0.0.2 [8080]'],
    },
    { name: 'no endpoints and no slices: create the placeholder', pods: [], existing: [], want: ['create web-:  []'] },
    { name: 'the placeholder stays as it is', pods: [], existing: [existingSlice('web-p', [], [])], want: [] },
    {
      name: 'duplicated endpoints across slices are removed from all but one',
      pods: [bare('10.0.0.1')],
      existing: [existingSlice('web-a', [{ ip: '10.0.0.1' }]), existingSlice('web-b', [{ ip: '10.0.0.1' }])],
      want: ['delete web-b: 10.0.0.1 [8080]'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(summarize(reconcileSlices(service(), desired(c.pods), c.existing, c.max ?? 100)), c.want));

  test('new slices: generateName, labels (service labels + ours), owner, address type', () => {
    const [a] = reconcileSlices(service({ labels: { team: 'x', 'kubernetes.io/service-name': 'spoof' }, headless: true }), desired([bare('10.0.0.1')]), []);
    assert.equal(a?.type, 'create');
    assert.deepEqual(a?.slice.metadata, {
      generateName: 'web-',
      namespace: 'ns',
      labels: { team: 'x', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'service.kubernetes.io/headless': '' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
    });
    assert.equal(a?.slice.addressType, 'IPv4');
  });

  test('a slice whose labels drifted is rewritten with its resourceVersion', () => {
    const s = existingSlice('web-a', [{ ip: '10.0.0.1' }]);
    s.metadata.labels = { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', extra: '1' };
    const [a] = reconcileSlices(service(), desired([bare('10.0.0.1')]), [s]);
    assert.equal(a?.type, 'update');
    assert.equal(a?.slice.metadata.resourceVersion, '7');
    assert.equal(a?.slice.metadata.labels?.['extra'], undefined);
    assert.equal(groupKey('IPv4', a?.slice.ports ?? []), groupKey('IPv4', [{ name: 'http', port: 8080, protocol: 'TCP' }]));
  });
});
