// Expected cells follow pkg/printers/internalversion/printers.go (printService /
// getServiceExternalIP / makePortString, printDeployment, printReplicaSet, printNode /
// findNodeRoles, printNamespace, printEndpoints / formatEndpoints, printEndpointSlice,
// printEvent, printLease, printConfigMap, printSecret) and the reference article's outputs:
//   nsxdemoservice   LoadBalancer   10.103.216.59   10.190.6.102,100.64.208.9   80:30657/TCP   45s
//   kube-dns         ClusterIP      10.96.0.10      <none>                      53/UDP,53/TCP,9153/TCP
//   nsxtestapp       2/2            2               2                           100m
//   Endpoints: 172.25.5.2:80,172.25.5.3:80,172.25.5.4:80 + 1 more...
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Deployment, EndpointSlice, Endpoints, Event, KubeObject, Lease, Namespace, Node, ReplicaSet, Service } from '../types/index.js';
import { toTable, type TableCell } from './index.js';

const NOW = Date.parse('2019-11-12T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace('.000Z', 'Z');
const DAY = 86400;

function row(resource: string, obj: KubeObject): readonly TableCell[] {
  const r = toTable(resource, [obj], { now: NOW }).rows[0];
  assert.ok(r);
  return r.cells;
}

function svc(name: string, spec: NonNullable<Service['spec']>, status?: Service['status'], age = 45): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'demons', creationTimestamp: ago(age) }, spec, ...(status ? { status } : {}) };
}

describe('services', () => {
  const cases: [string, Service, TableCell[]][] = [
    [
      'article LoadBalancer (ingress sorted as a set)',
      svc(
        'nsxdemoservice',
        { type: 'LoadBalancer', clusterIP: '10.103.216.59', clusterIPs: ['10.103.216.59'], selector: { app: 'nsxdemo' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30657 }] },
        { loadBalancer: { ingress: [{ ip: '100.64.208.9' }, { ip: '10.190.6.102' }] } },
      ),
      ['nsxdemoservice', 'LoadBalancer', '10.103.216.59', '10.190.6.102,100.64.208.9', '80:30657/TCP', '45s', 'app=nsxdemo'],
    ],
    [
      'kube-dns',
      svc(
        'kube-dns',
        {
          type: 'ClusterIP',
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          selector: { 'k8s-app': 'kube-dns' },
          ports: [
            { name: 'dns', protocol: 'UDP', port: 53 },
            { name: 'dns-tcp', protocol: 'TCP', port: 53 },
            { name: 'metrics', protocol: 'TCP', port: 9153 },
          ],
        },
        undefined,
        156 * DAY,
      ),
      ['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP', '156d', 'k8s-app=kube-dns'],
    ],
    [
      'kubernetes (no selector, clusterIP scalar only, protocol defaulted)',
      svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }, undefined, 156 * DAY),
      ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '156d', '<none>'],
    ],
    ['LoadBalancer without ingress is pending', svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.0.0.5'], ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }] }), ['lb', 'LoadBalancer', '10.0.0.5', '<pending>', '80:31000/TCP', '45s', '<none>']],
    [
      'LoadBalancer: ingress then externalIPs; hostname when no IP',
      svc('lb2', { type: 'LoadBalancer', clusterIPs: ['10.0.0.6'], externalIPs: ['192.0.2.10'], ports: [{ port: 443, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '198.51.100.7' }] } }),
      ['lb2', 'LoadBalancer', '10.0.0.6', '198.51.100.7,lb.example.com,192.0.2.10', '443/TCP', '45s', '<none>'],
    ],
    ['ClusterIP with externalIPs shows them', svc('ext', { type: 'ClusterIP', clusterIPs: ['10.0.0.7'], externalIPs: ['192.0.2.1', '192.0.2.2'] }), ['ext', 'ClusterIP', '10.0.0.7', '192.0.2.1,192.0.2.2', '<none>', '45s', '<none>']],
    ['NodePort without externalIPs', svc('np', { type: 'NodePort', clusterIPs: ['10.0.0.8'], ports: [{ port: 8080, protocol: 'TCP', nodePort: 30080 }] }), ['np', 'NodePort', '10.0.0.8', '<none>', '8080:30080/TCP', '45s', '<none>']],
    ['ExternalName', svc('ext-name', { type: 'ExternalName', externalName: 'db.example.com' }), ['ext-name', 'ExternalName', '<none>', 'db.example.com', '<none>', '45s', '<none>']],
    ['headless', svc('hl', { clusterIP: 'None', clusterIPs: ['None'], selector: { b: '2', a: '1' }, ports: [{ port: 80, protocol: 'SCTP' }] }), ['hl', 'ClusterIP', 'None', '<none>', '80/SCTP', '45s', 'a=1,b=2']],
  ];
  for (const [name, s, want] of cases) test(name, () => assert.deepEqual(row('services', s), want));
});

const template = { spec: { containers: [{ name: 'nsxtestapp', image: 'dumlutimuralp/nsx-demo' }, { name: 'sidecar', image: 'busybox' }] } };

describe('deployments and replicasets', () => {
  test('article deployment nsxtestapp 2/2 2 2 100m', () => {
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nsxtestapp', namespace: 'demons', creationTimestamp: ago(100 * 60) },
      spec: { replicas: 2, selector: { matchLabels: { run: 'nsxtestapp' } }, template },
      status: { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    };
    assert.deepEqual(row('deployments', d), ['nsxtestapp', '2/2', 2, 2, '100m', 'nsxtestapp,sidecar', 'dumlutimuralp/nsx-demo,busybox', 'run=nsxtestapp']);
  });
  test('deployment: replicas default to 1, status absent, empty selector prints ""', () => {
    const d: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', creationTimestamp: ago(10) }, spec: { selector: {}, template: {} } };
    assert.deepEqual(row('deployments', d), ['d', '0/1', 0, 0, '10s', '', '', '']);
  });
  test('deployment with an invalid selector prints <invalid>', () => {
    const d: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'In' }] }, template: {} } };
    assert.equal(row('deployments', d)[7], '<invalid>');
  });
  test('replicaset NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR', () => {
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'nsxtestapp-5bfcc97b5', namespace: 'demons', creationTimestamp: ago(100 * 60) },
      spec: { replicas: 2, selector: { matchLabels: { run: 'nsxtestapp', 'pod-template-hash': '5bfcc97b5' } }, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(row('replicasets', rs), ['nsxtestapp-5bfcc97b5', 2, 2, 1, '100m', 'nsxtestapp,sidecar', 'dumlutimuralp/nsx-demo,busybox', 'pod-template-hash=5bfcc97b5,run=nsxtestapp']);
  });
  test('replicaset with an empty selector prints <none>', () => {
    const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: {} } };
    assert.deepEqual(row('replicasets', rs), ['r', 1, 0, 0, '<unknown>', '', '', '<none>']);
  });
});

function node(name: string, over: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, creationTimestamp: ago(156 * DAY), labels: { 'kubernetes.io/hostname': name } },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [
        { type: 'Hostname', address: name },
        { type: 'InternalIP', address: '10.190.5.10' },
      ],
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '4.15.0-66-generic',
        osImage: 'Ubuntu 18.04.3 LTS',
        containerRuntimeVersion: 'docker://18.9.7',
        kubeletVersion: 'v1.14.3',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
    ...over,
  };
}

describe('nodes', () => {
  test('ready worker, no roles, wide columns', () => {
    assert.deepEqual(row('nodes', node('k8s-node1')), ['k8s-node1', 'Ready', '<none>', '156d', 'v1.14.3', '10.190.5.10', '<none>', 'Ubuntu 18.04.3 LTS', '4.15.0-66-generic', 'docker://18.9.7']);
  });
  test('roles from node-role labels and kubernetes.io/role, sorted', () => {
    const n = node('k8s-master');
    n.metadata.labels = { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'etcd', 'node-role.kubernetes.io/': 'x' };
    assert.equal(row('nodes', n)[2], 'control-plane,etcd,master');
  });
  test('NotReady, SchedulingDisabled, Unknown, missing node info', () => {
    const notReady = node('a', { spec: { unschedulable: true } });
    notReady.status = { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'False' }] };
    assert.deepEqual(row('nodes', notReady).slice(1), ['NotReady,SchedulingDisabled', '<none>', '156d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
    const unknown = node('b');
    unknown.status = {};
    assert.equal(row('nodes', unknown)[1], 'Unknown');
    const cordoned = node('c', { spec: { unschedulable: true } });
    assert.equal(row('nodes', cordoned)[1], 'Ready,SchedulingDisabled');
  });
});

describe('namespaces', () => {
  const ns = (name: string, age: number): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: ago(age) }, status: { phase: 'Active' } });
  test('article `kubectl get namespace`', () => {
    const t = toTable('namespaces', [ns('default', 135 * DAY), ns('demons', 5 * 60 + 11), ns('nsx-system', 10 * 3600)], { now: NOW });
    assert.deepEqual(
      t.rows.map((r) => r.cells),
      [
        ['default', 'Active', '135d'],
        ['demons', 'Active', '5m11s'],
        ['nsx-system', 'Active', '10h'],
      ],
    );
  });
});

function endpoints(subsets: Endpoints['subsets']): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'nsxdemoservice', namespace: 'demons', creationTimestamp: ago(45) }, ...(subsets ? { subsets } : {}) };
}

describe('endpoints', () => {
  const four = ['172.25.5.2', '172.25.5.3', '172.25.5.4', '172.25.5.5'].map((ip) => ({ ip }));
  const cases: [string, Endpoints, string][] = [
    ['article: three shown then + 1 more...', endpoints([{ addresses: four, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }]), '172.25.5.2:80,172.25.5.3:80,172.25.5.4:80 + 1 more...'],
    ['exactly three', endpoints([{ addresses: four.slice(0, 3), ports: [{ port: 80 }] }]), '172.25.5.2:80,172.25.5.3:80,172.25.5.4:80'],
    ['no subsets', endpoints(undefined), '<none>'],
    ['subsets with only not-ready addresses print empty', endpoints([{ notReadyAddresses: four, ports: [{ port: 80 }] }]), ''],
    ['headless without ports lists bare IPs', endpoints([{ addresses: four.slice(0, 2) }]), '172.25.5.2,172.25.5.3'],
    [
      'every port of every subset counts',
      endpoints([
        { addresses: four.slice(0, 2), ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153 }] },
      ]),
      '172.25.5.2:53,172.25.5.3:53,172.25.5.2:53 + 3 more...',
    ],
    ['IPv6 addresses are bracketed', endpoints([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]), '[fd00::1]:80'],
  ];
  for (const [name, ep, want] of cases) test(name, () => assert.deepEqual(row('endpoints', ep), ['nsxdemoservice', want, '45s']));
});

describe('endpointslices', () => {
  const slice = (ports: EndpointSlice['ports'], addrs: string[][]): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'nsxdemoservice-abcde', namespace: 'demons', creationTimestamp: ago(45) },
    addressType: 'IPv4',
    endpoints: addrs.map((a) => ({ addresses: a, conditions: { ready: true } })),
    ...(ports ? { ports } : {}),
  });
  test('ports and endpoints', () => {
    assert.deepEqual(row('endpointslices', slice([{ name: 'http', port: 80, protocol: 'TCP' }], [['172.25.5.2'], ['172.25.5.3'], ['172.25.5.4'], ['172.25.5.5']])), [
      'nsxdemoservice-abcde',
      'IPv4',
      '80',
      '172.25.5.2,172.25.5.3,172.25.5.4 + 1 more...',
      '45s',
    ]);
  });
  test('<unset> for no ports / no endpoints, names and * for portless entries', () => {
    assert.deepEqual(row('endpointslices', slice(undefined, [])).slice(2, 4), ['<unset>', '<unset>']);
    assert.equal(row('endpointslices', slice([{ name: 'http' }, {}, { port: 1 }, { port: 2 }], [['1.1.1.1']]))[2], 'http,*,1 + 1 more...');
  });
});

describe('events', () => {
  const base: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'nsxdemoservice.15d6a', namespace: 'demons', creationTimestamp: ago(120) },
    involvedObject: { kind: 'Service', namespace: 'demons', name: 'nsxdemoservice' },
    reason: 'EnsuringLoadBalancer',
    message: ' Ensuring load balancer \n',
    type: 'Normal',
    source: { component: 'service-controller' },
    firstTimestamp: ago(300),
    lastTimestamp: ago(45),
    count: 3,
  };
  test('LAST SEEN TYPE REASON OBJECT | SUBOBJECT SOURCE | MESSAGE | FIRST SEEN COUNT NAME', () => {
    assert.deepEqual(row('events', base), ['45s', 'Normal', 'EnsuringLoadBalancer', 'service/nsxdemoservice', '', 'service-controller', 'Ensuring load balancer', '5m', 3, 'nsxdemoservice.15d6a']);
  });
  test('new-style event: eventTime, series, reporting controller/instance, no count', () => {
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e2' },
      involvedObject: { kind: 'Pod', name: 'p', fieldPath: 'spec.containers{app}' },
      eventTime: '2019-11-12T11:50:00.000000Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'k8s-node1',
      type: 'Warning',
      reason: 'BackOff',
    };
    assert.deepEqual(row('events', ev), ['10m', 'Warning', 'BackOff', 'pod/p', 'spec.containers{app}', 'kubelet, k8s-node1', '', '10m', 1, 'e2']);
    const withSeries: Event = { ...ev, series: { count: 12, lastObservedTime: '2019-11-12T11:59:30.000000Z' } };
    const cells = row('events', withSeries);
    assert.equal(cells[0], '30s');
    assert.equal(cells[8], 12);
  });
  test('an involved object without a name prints the kind only', () => {
    const ev: Event = { ...base, involvedObject: { kind: 'Node' } };
    assert.equal(row('events', ev)[3], 'node');
  });
});

describe('leases, configmaps, secrets, custom resources', () => {
  test('lease holder', () => {
    const l: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'k8s-node1', namespace: 'kube-node-lease', creationTimestamp: ago(DAY) }, spec: { holderIdentity: 'k8s-node1' } };
    assert.deepEqual(row('leases', l), ['k8s-node1', 'k8s-node1', '24h']);
    const unheld: Lease = { ...l, spec: {} };
    assert.deepEqual(row('leases', unheld), ['k8s-node1', '', '24h']);
  });
  test('configmap DATA counts data and binaryData', () => {
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', creationTimestamp: ago(DAY) }, data: { Corefile: '.:53 {}' }, binaryData: { blob: 'AA==' } };
    assert.deepEqual(row('configmaps', cm), ['coredns', 2, '24h']);
  });
  test('secret TYPE DATA', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', creationTimestamp: ago(60) }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } };
    assert.deepEqual(row('secrets', s), ['tls', 'kubernetes.io/tls', 2, '60s']);
  });
  test('unknown resources print Name and an Age column typed date', () => {
    const t = toTable('widgets', [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', creationTimestamp: ago(3 * DAY) } }], { now: NOW });
    assert.deepEqual(t.rows[0]?.cells, ['w1', '3d']);
    assert.deepEqual(
      t.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Age', 'date', '', 0],
      ],
    );
  });
});
