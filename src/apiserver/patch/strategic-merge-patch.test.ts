// Expected results come from Kubernetes' documented behaviour: the kubectl patch task page
// (containers merged by name with the new one first, tolerations replaced, $retainKeys on
// strategy) and apimachinery's strategicpatch test fixtures (ordering, directives, errors),
// transposed onto real fields. Comments name the source of each non-obvious expectation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { PatchError } from './patch-error.js';
import { schemaFor } from './patch-schema.js';

type Obj = Record<string, unknown>;

const service = (ports: Obj[], extra: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports, ...extra },
});
const http = { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 };
const https = { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 };

const deployment = (podSpec: Obj, spec: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'patch-demo' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'nginx' } }, ...spec, template: { metadata: { labels: { app: 'nginx' } }, spec: podSpec } },
});
const podSpecOf = (d: Obj) => ((d['spec'] as Obj)['template'] as Obj)['spec'];
const ctr = { name: 'patch-demo-ctr', image: 'nginx' };
const tolerations = [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }];

const configMap = (meta: Obj, data: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', ...meta }, data });
const envOf = (names: (string | [string, string])[]) => names.map((n) => (typeof n === 'string' ? { name: n } : { name: n[0], value: n[1] }));
const podWithEnv = (env: Obj[]): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', env }] } });
const envPatch = (patch: Obj): Obj => ({ spec: { containers: [{ name: 'c', ...patch }] } });
const envResult = (r: unknown) => ((((r as Obj)['spec'] as Obj)['containers'] as Obj[])[0] as Obj)['env'];

interface Case {
  readonly name: string;
  readonly original: Obj;
  readonly patch: unknown;
  /** Picks the part of the result to compare. */
  readonly pick: (result: Obj) => unknown;
  readonly want: unknown;
}

const ports = (r: Obj) => (r['spec'] as Obj)['ports'];

const cases: Case[] = [
  // ---- Service ports: patchStrategy merge, patchMergeKey port -----------------------------------
  { name: 'patch one port by its merge key', original: service([http, https]), patch: { spec: { ports: [{ port: 443, targetPort: 9443 }] } }, pick: ports, want: [http, { ...https, targetPort: 9443 }] },
  {
    // strategicpatch: a patch item not in the live list is placed before the server-only items.
    name: 'add a port without $setElementOrder: the new port comes first',
    original: service([http, https]),
    patch: { spec: { ports: [{ name: 'metrics', port: 9090, targetPort: 9090 }] } },
    pick: ports,
    want: [{ name: 'metrics', port: 9090, targetPort: 9090 }, http, https],
  },
  {
    name: 'kubectl apply adds a port at the end with $setElementOrder',
    original: service([http, https]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }, { port: 9090 }], ports: [{ name: 'metrics', port: 9090, targetPort: 9090 }] } },
    pick: ports,
    want: [http, https, { name: 'metrics', port: 9090, targetPort: 9090 }],
  },
  {
    name: 'kubectl apply changes a targetPort (the sample patch)',
    original: service([{ port: 80, protocol: 'TCP', targetPort: 80 }]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 80, targetPort: 8080 }] } },
    pick: ports,
    want: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
  },
  { name: 'delete a port with $patch: delete', original: service([http, https]), patch: { spec: { ports: [{ $patch: 'delete', port: 80 }] } }, pick: ports, want: [https] },
  {
    name: 'kubectl apply deletes a port ($setElementOrder + $patch: delete)',
    original: service([http, https]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 443 }], ports: [{ $patch: 'delete', port: 80 }] } },
    pick: ports,
    want: [https],
  },
  { name: 'reorder ports with $setElementOrder alone', original: service([http, https]), patch: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }] } }, pick: ports, want: [https, http] },
  { name: 'a $patch: replace element replaces the whole list', original: service([http, https]), patch: { spec: { ports: [{ port: 8080 }, { $patch: 'replace' }] } }, pick: ports, want: [{ port: 8080 }] },
  { name: 'only $patch: replace empties the list', original: service([http, https]), patch: { spec: { ports: [{ $patch: 'replace' }] } }, pick: ports, want: [] },
  {
    // Maps without a strategy merge in SMP even when SSA treats them as atomic (selector).
    name: 'selector merges key by key; null deletes a key',
    original: service([http]),
    patch: { spec: { selector: { app: null, tier: 'frontend' } } },
    pick: (r) => (r['spec'] as Obj)['selector'],
    want: { tier: 'frontend' },
  },
  { name: 'null deletes a field', original: service([http], { sessionAffinity: 'ClientIP' }), patch: { spec: { sessionAffinity: null } }, pick: (r) => Object.keys(r['spec'] as Obj), want: ['selector', 'ports'] },

  // ---- Deployment / pod template (the kubectl patch task page) ---------------------------------
  {
    name: 'docs: adding a container merges by name, new container first',
    original: deployment({ containers: [ctr], tolerations }),
    patch: { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } },
    pick: podSpecOf,
    want: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }, ctr], tolerations },
  },
  {
    name: 'docs: tolerations have no strategy and are replaced',
    original: deployment({ containers: [ctr], tolerations }),
    patch: { spec: { template: { spec: { tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] } } } },
    pick: podSpecOf,
    want: { containers: [ctr], tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] },
  },
  {
    name: 'docs: $retainKeys on strategy drops rollingUpdate',
    original: deployment({ containers: [ctr] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    pick: (r) => (r['spec'] as Obj)['strategy'],
    want: { type: 'Recreate' },
  },
  {
    name: 'without $retainKeys the strategy map merges',
    original: deployment({ containers: [ctr] }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } }),
    patch: { spec: { strategy: { type: 'Recreate' } } },
    pick: (r) => (r['spec'] as Obj)['strategy'],
    want: { type: 'Recreate', rollingUpdate: { maxSurge: '25%' } },
  },
  {
    name: 'kubectl edit changes one container image',
    original: deployment({ containers: [ctr, { name: 'sidecar', image: 'envoy' }] }),
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'patch-demo-ctr' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.25', name: 'patch-demo-ctr' }] } } } },
    pick: podSpecOf,
    want: { containers: [{ name: 'patch-demo-ctr', image: 'nginx:1.25' }, { name: 'sidecar', image: 'envoy' }] },
  },
  {
    name: 'container ports merge on containerPort, volumeMounts on mountPath',
    original: deployment({ containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, protocol: 'TCP' }], volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } } } },
    pick: podSpecOf,
    want: { containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] }] },
  },
  {
    // kubectl sends $retainKeys inside items of retainKeys lists when a volume changes source.
    name: 'volumes: $retainKeys in an item swaps the volume source',
    original: deployment({ containers: [ctr], volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'a' } }] }),
    patch: {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
            volumes: [{ $retainKeys: ['name', 'persistentVolumeClaim'], name: 'data', persistentVolumeClaim: { claimName: 'pvc' } }],
          },
        },
      },
    },
    pick: podSpecOf,
    want: { containers: [ctr], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'pvc' } }, { name: 'cfg', configMap: { name: 'a' } }] },
  },
  {
    name: 'initContainers, imagePullSecrets (name) and hostAliases (ip) merge; hostnames replace',
    original: deployment({ containers: [ctr], initContainers: [{ name: 'init', image: 'a' }], imagePullSecrets: [{ name: 'reg1' }], hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }] }),
    patch: { spec: { template: { spec: { initContainers: [{ name: 'init', image: 'b' }], imagePullSecrets: [{ name: 'reg2' }], hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }] } } } },
    pick: podSpecOf,
    want: { containers: [ctr], initContainers: [{ name: 'init', image: 'b' }], imagePullSecrets: [{ name: 'reg2' }, { name: 'reg1' }], hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }] },
  },
  {
    // strategicpatch fixture "add key and delete all keys from map".
    name: '$patch: replace on a map keeps only the patch',
    original: deployment({ containers: [ctr] }),
    patch: { spec: { template: { metadata: { labels: { $patch: 'replace', app: 'other' } } } } },
    pick: (r) => ((r['spec'] as Obj)['template'] as Obj)['metadata'],
    want: { labels: { app: 'other' } },
  },
  {
    // strategicpatch fixture "delete map from nested map": the map becomes {}.
    name: '$patch: delete on a map empties it',
    original: configMap({ labels: { a: '1', b: '2' } }),
    patch: { metadata: { labels: { $patch: 'delete' } } },
    pick: (r) => r['metadata'],
    want: { name: 'cm', labels: {} },
  },

  // ---- env ordering: strategicpatch fixtures transposed onto container env ----------------------
  {
    name: 'fixture "preserve the order from the patch in a merging list 2"',
    original: podWithEnv(envOf(['1', ['2', 'b'], '3'])),
    patch: envPatch({ env: envOf([['3', 'c'], ['1', 'a']]) }),
    pick: envResult,
    want: envOf([['2', 'b'], ['3', 'c'], ['1', 'a']]),
  },
  {
    name: 'fixture "merge lists of maps" (three-way result)',
    original: podWithEnv([{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }]),
    patch: envPatch({ '$setElementOrder/env': envOf(['4', '1', '2', '3']), env: envOf([['4', '4'], ['3', '3']]) }),
    pick: envResult,
    want: [{ name: '4', value: '4' }, { name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }, { name: '3', value: '3' }],
  },
  {
    name: 'fixture "set elements order in a list with server-only items 2"',
    original: podWithEnv([{ name: '1', other: 'a' }, { name: '2', value: '2' }, { name: '9' }, { name: '3', value: '3' }, { name: '4', value: '4' }]),
    patch: envPatch({ '$setElementOrder/env': envOf(['2', '1', '4', '3']) }),
    pick: envResult,
    want: [{ name: '2', value: '2' }, { name: '1', other: 'a' }, { name: '9' }, { name: '4', value: '4' }, { name: '3', value: '3' }],
  },
  {
    name: 'fixture "$setElementOrder contains item that is not present in the list"',
    original: podWithEnv(envOf(['1', '3'])),
    patch: envPatch({ '$setElementOrder/env': envOf(['3', '2', '1']), env: envOf([['3', '3'], ['1', '1']]) }),
    pick: envResult,
    want: envOf([['3', '3'], ['1', '1']]),
  },
  {
    name: 'fixture "delete all duplicate entries in a merging list"',
    original: podWithEnv([{ name: '1' }, { name: '1' }, { name: '2', value: 'a' }, { name: '3' }, { name: '3' }]),
    patch: envPatch({ env: [{ name: '1', $patch: 'delete' }, { name: '3', $patch: 'delete' }] }),
    pick: envResult,
    want: [{ name: '2', value: 'a' }],
  },

  // ---- ObjectMeta: finalizers (merge of primitives), ownerReferences (uid) ---------------------
  { name: 'fixture "unique scalars when merging lists" on finalizers', original: configMap({ finalizers: ['x', 'y'] }), patch: { metadata: { finalizers: ['y', 'z'] } }, pick: (r) => (r['metadata'] as Obj)['finalizers'], want: ['x', 'y', 'z'] },
  { name: '$deleteFromPrimitiveList/finalizers', original: configMap({ finalizers: ['x', 'y', 'z'] }), patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['y'] } }, pick: (r) => (r['metadata'] as Obj)['finalizers'], want: ['x', 'z'] },
  {
    name: 'kubectl apply swaps a finalizer (delete list + order + addition)',
    original: configMap({ finalizers: ['x', 'y'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['y'], '$setElementOrder/finalizers': ['x', 'z'], finalizers: ['z'] } },
    pick: (r) => (r['metadata'] as Obj)['finalizers'],
    want: ['x', 'z'],
  },
  { name: '$deleteFromPrimitiveList on a missing list adds nothing', original: configMap({}), patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['y'] } }, pick: (r) => r['metadata'], want: { name: 'cm' } },
  {
    name: 'ownerReferences merge on uid',
    original: configMap({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' }] }),
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } },
    pick: (r) => (r['metadata'] as Obj)['ownerReferences'],
    want: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
  },
  { name: 'ConfigMap data (no strategy) merges', original: configMap({}, { a: '1', b: '2' }), patch: { data: { b: null, c: '3' } }, pick: (r) => r['data'], want: { a: '1', c: '3' } },

  // ---- status lists ------------------------------------------------------------------------------
  {
    name: 'Pod status.conditions merge on type',
    original: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    pick: (r) => (r['status'] as Obj)['conditions'],
    want: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
  },
  {
    name: 'Deployment status.conditions merge on type',
    original: deployment({ containers: [ctr] }, {}),
    patch: { status: { conditions: [{ type: 'Available', status: 'True' }] } },
    pick: (r) => r['status'],
    want: { conditions: [{ type: 'Available', status: 'True' }] },
  },
  {
    name: 'Node status.addresses merge on type',
    original: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.190.5.11' }, { type: 'Hostname', address: 'k8s-node1' }] } },
    patch: { status: { addresses: [{ type: 'InternalIP', address: '10.190.5.21' }] } },
    pick: (r) => (r['status'] as Obj)['addresses'],
    want: [{ type: 'InternalIP', address: '10.190.5.21' }, { type: 'Hostname', address: 'k8s-node1' }],
  },
  {
    name: 'Endpoints subsets are atomic (replaced)',
    original: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '172.25.5.3' }], ports: [{ port: 80 }] }] },
    patch: { subsets: [{ addresses: [{ ip: '172.25.5.4' }], ports: [{ port: 80 }] }] },
    pick: (r) => r['subsets'],
    want: [{ addresses: [{ ip: '172.25.5.4' }], ports: [{ port: 80 }] }],
  },
  {
    name: 'EndpointSlice endpoints are atomic (replaced)',
    original: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, endpoints: [{ addresses: ['172.25.5.3'] }, { addresses: ['172.25.5.4'] }] },
    patch: { endpoints: [{ addresses: ['172.25.5.5'] }] },
    pick: (r) => r['endpoints'],
    want: [{ addresses: ['172.25.5.5'] }],
  },
  {
    name: 'unknown kind: lists replace, maps merge',
    original: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', finalizers: ['a'] }, spec: { items: [1, 2], opts: { x: 1 } } },
    patch: { metadata: { finalizers: ['b'] }, spec: { items: [3], opts: { y: 2 } } },
    pick: (r) => [(r['metadata'] as Obj)['finalizers'], r['spec']],
    want: [['b', 'a'], { items: [3], opts: { x: 1, y: 2 } }],
  },
  {
    name: 'a value where the original has none: nested directives and nulls are resolved',
    original: configMap({}),
    patch: { metadata: { labels: { a: '1', b: null }, annotations: { $patch: 'delete' } }, spec: { ports: [{ $patch: 'replace' }] } },
    pick: (r) => [r['metadata'], r['spec']],
    want: [{ name: 'cm', labels: { a: '1' } }, { ports: [] }],
  },
];

describe('strategicMergePatch', () => {
  for (const c of cases) {
    test(c.name, () => {
      const before = structuredClone(c.original);
      const result = strategicMergePatch(c.original, c.patch);
      assert.deepStrictEqual(c.pick(result), c.want);
      assert.deepStrictEqual(c.original, before, 'input not mutated');
    });
  }

  test('explicit schema overrides the kind lookup', () => {
    const out = strategicMergePatch({ spec: { ports: [{ port: 80 }] } }, { spec: { ports: [{ port: 443 }] } }, { schema: schemaFor('v1', 'Service') });
    assert.deepStrictEqual(out, { spec: { ports: [{ port: 443 }, { port: 80 }] } });
  });
});

describe('strategicMergePatch: errors', () => {
  const svc = service([http, https]);
  const errors: { name: string; original?: Obj; patch: unknown; code: number; message: string }[] = [
    { name: 'patch is not an object', patch: [{ op: 'add' }], code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
    { name: 'unknown $patch in a map', patch: { metadata: { labels: { $patch: 'foo' } } }, code: 400, message: 'unknown patch type: foo in map: map[$patch:foo]' },
    { name: '$patch: merge in a map is unknown upstream too', patch: { spec: { selector: { $patch: 'merge', a: 'b' } } }, code: 400, message: 'unknown patch type: merge in map: map[$patch:merge a:b]' },
    { name: '$patch: merge in a list', patch: { spec: { ports: [{ $patch: 'merge' }] } }, code: 400, message: 'merging lists cannot yet be specified in the patch' },
    { name: 'unknown $patch in a list element', patch: { spec: { ports: [{ $patch: 'bogus', port: 80 }] } }, code: 400, message: 'unknown patch type: bogus in map: map[$patch:bogus port:80]' },
    // strategicpatch fixture "missing merge key should error out".
    { name: 'list item without its merge key', patch: { spec: { ports: [{ targetPort: 1 }] } }, code: 400, message: 'map: map[targetPort:1] does not contain declared merge key: port' },
    { name: '$patch: delete without the merge key', patch: { spec: { ports: [{ $patch: 'delete' }] } }, code: 400, message: 'map: map[$patch:delete] does not contain declared merge key: port' },
    {
      // strategicpatch fixture "should check if order in $setElementOrder and patch list match".
      name: '$setElementOrder contradicting the patch list',
      patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 443 }, { port: 80 }] } },
      code: 400,
      message: 'The order in patch list:\n[map[port:443] map[port:80]]\n doesn\'t match $setElementOrder list:\n[map[port:80] map[port:443]]\n',
    },
    { name: '$setElementOrder that is not a list', patch: { spec: { '$setElementOrder/ports': 'x' } }, code: 400, message: 'expected a []interface {}, but received a string' },
    { name: '$retainKeys that is not a list', patch: { spec: { $retainKeys: 'type' } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: 'patch key missing from $retainKeys', patch: { spec: { $retainKeys: ['type'], type: 'NodePort', clusterIP: 'None' } }, code: 400, message: 'invalid patch format of retainKeys' },
    { name: 'directive without a field', patch: { metadata: { $deleteFromPrimitiveList: ['x'] } }, code: 400, message: 'invalid patch format of primitive list' },
    { name: 'list of lists in a merging list', original: configMap({ finalizers: ['a'] }), patch: { metadata: { finalizers: [['b']] } }, code: 422, message: 'lists of lists are not supported' },
    { name: 'mixed element types in a merging list', original: configMap({ finalizers: ['a'] }), patch: { metadata: { finalizers: [1] } }, code: 400, message: 'list element types are not identical: [[a] [1]]' },
    { name: 'original is not an object', original: 'x' as unknown as Obj, patch: {}, code: 400, message: 'invalid JSON document' },
  ];
  for (const c of errors) {
    test(c.name, () => {
      assert.throws(
        () => strategicMergePatch(c.original ?? svc, c.patch),
        (e: unknown) => e instanceof PatchError && e.code === c.code && e.message === c.message,
      );
    });
  }
});
