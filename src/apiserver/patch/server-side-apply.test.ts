// Expected managedFields follow the Kubernetes Server-Side Apply documentation (the ConfigMap
// example, the replicas/HPA conflict walk-through, the FieldsV1 key formats) and the field
// manager's conflict text ("Apply failed with 1 conflict: conflict with ... using v1: <path>").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordUpdate } from './managed-fields.js';
import { PatchError } from './patch-error.js';
import { serverSideApply, type ApplyOptions, type ApplyOutcome } from './server-side-apply.js';

type Obj = Record<string, unknown>;
const T = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s));
const ts = (s: number) => `2024-01-01T00:00:${String(s).padStart(2, '0')}Z`;

function applied(o: ApplyOutcome): Obj {
  assert.equal(o.kind, 'Applied', o.kind === 'Conflict' ? o.error.message : '');
  return (o as Extract<ApplyOutcome, { kind: 'Applied' }>).object as Obj;
}
const apply = (live: unknown, config: unknown, manager: string, s: number, extra: Partial<ApplyOptions> = {}) =>
  serverSideApply(live, config, { manager, now: T(s), ...extra });
const managed = (o: Obj) => (o['metadata'] as Obj)['managedFields'];
const withoutManaged = (o: Obj) => {
  const { managedFields: _, ...meta } = o['metadata'] as Obj;
  return { ...o, metadata: meta };
};
const entry = (manager: string, operation: 'Apply' | 'Update', apiVersion: string, s: number, fieldsV1: Obj) => ({ manager, operation, apiVersion, time: ts(s), fieldsType: 'FieldsV1', fieldsV1 });

const cm = (data: Obj, meta: Obj = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', ...meta }, data });
const svcConfig = (ports: Obj[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports } });
const K80 = 'k:{"port":80,"protocol":"TCP"}';
const K443 = 'k:{"port":443,"protocol":"TCP"}';

describe('serverSideApply: ownership', () => {
  test('docs example: applying a ConfigMap records exactly the applied leaves', () => {
    const out = applied(apply(undefined, cm({ key: 'some value' }, { namespace: 'default', labels: { 'test-label': 'test' } }), 'kubectl', 1));
    assert.deepStrictEqual(out, {
      ...cm({ key: 'some value' }, { namespace: 'default', labels: { 'test-label': 'test' } }),
      metadata: {
        name: 'test-cm',
        namespace: 'default',
        labels: { 'test-label': 'test' },
        managedFields: [entry('kubectl', 'Apply', 'v1', 1, { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } })],
      },
    });
  });

  test('Service ports are keyed by port and protocol, protocol defaulting to TCP', () => {
    const out = applied(apply(undefined, svcConfig([{ port: 80, targetPort: 8080 }]), 'kubectl', 1));
    assert.deepStrictEqual(managed(out), [
      entry('kubectl', 'Apply', 'v1', 1, { 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} } }),
    ]);
  });

  test('Deployment: containers by name, container ports by containerPort+protocol, finalizers as a set, selector atomic', () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', finalizers: ['example.com/protect'] },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] } },
      },
    };
    const out = applied(apply(undefined, dep, 'kubectl', 1));
    assert.deepStrictEqual(withoutManaged(out), dep);
    assert.deepStrictEqual(managed(out), [
      entry('kubectl', 'Apply', 'apps/v1', 1, {
        'f:metadata': { 'f:finalizers': { 'v:"example.com/protect"': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"web"}': {
                  '.': {},
                  'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      }),
    ]);
  });

  test('re-applying without a field removes it; an emptied map goes too', () => {
    const first = applied(apply(undefined, cm({ a: '1', b: '2' }, { labels: { x: '1' } }), 'kubectl', 1));
    const out = apply(first, cm({ a: '1' }), 'kubectl', 2);
    assert.deepStrictEqual(out, {
      kind: 'Applied',
      changed: true,
      conflicts: [],
      object: { ...cm({ a: '1' }), metadata: { name: 'test-cm', managedFields: [entry('kubectl', 'Apply', 'v1', 2, { 'f:data': { 'f:a': {} } })] } },
    });
  });

  test('re-applying without a port removes that port', () => {
    const first = applied(apply(undefined, svcConfig([{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }]), 'kubectl', 1));
    const out = applied(apply(first, svcConfig([{ port: 80, targetPort: 8080 }]), 'kubectl', 2));
    assert.deepStrictEqual((out['spec'] as Obj)['ports'], [{ port: 80, targetPort: 8080 }]);
  });

  test('a dropped field another manager also owns stays', () => {
    const a1 = applied(apply(undefined, cm({ x: '1', y: '2' }), 'a', 1));
    const b1 = applied(apply(a1, cm({ y: '2' }), 'b', 2)); // same value: shared, no conflict
    const out = applied(apply(b1, cm({ x: '1' }), 'a', 3));
    assert.deepStrictEqual(out['data'], { x: '1', y: '2' });
    assert.deepStrictEqual(managed(out), [entry('a', 'Apply', 'v1', 1, { 'f:data': { 'f:x': {} } }), entry('b', 'Apply', 'v1', 2, { 'f:data': { 'f:y': {} } })]);
  });

  test('a no-op apply keeps the object and its time', () => {
    const first = applied(apply(undefined, cm({ a: '1' }), 'kubectl', 1));
    assert.deepStrictEqual(apply(first, cm({ a: '1' }), 'kubectl', 9), { kind: 'Applied', object: first, changed: false, conflicts: [] });
  });

  test('list items another manager added keep their place; new items follow the applier order', () => {
    const base = applied(apply(undefined, svcConfig([{ port: 80 }]), 'a', 1));
    const other = applied(apply(base, svcConfig([{ port: 53, protocol: 'UDP' }]), 'b', 2));
    assert.deepStrictEqual((other['spec'] as Obj)['ports'], [{ port: 80 }, { port: 53, protocol: 'UDP' }]);
    const out = applied(apply(other, svcConfig([{ port: 80 }, { port: 443 }]), 'a', 3));
    assert.deepStrictEqual((out['spec'] as Obj)['ports'], [{ port: 80 }, { port: 53, protocol: 'UDP' }, { port: 443 }]);
  });

  test('ignoredFields are neither owned nor conflicting', () => {
    const out = applied(apply(undefined, { ...cm({ a: '1' }), status: { phase: 'x' } }, 'kubectl', 1, { ignoredFields: [['status']] }));
    assert.deepStrictEqual(managed(out), [entry('kubectl', 'Apply', 'v1', 1, { 'f:data': { 'f:a': {} } })]);
  });
});

describe('serverSideApply: conflicts', () => {
  // kubectl apply (client-side) created the Service: an Update manager owns every field.
  const csaLive = recordUpdate(
    undefined,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP' },
    },
    { manager: 'kubectl-client-side-apply', now: T(0) },
  );
  const change = svcConfig([{ port: 80, targetPort: 8080 }]);
  const field = `.spec.ports[port=80,protocol="TCP"].targetPort`;

  test('changing a field an Update manager owns is a 409 with upstream wording', () => {
    const out = apply(csaLive, change, 'kubectl', 1);
    assert.equal(out.kind, 'Conflict');
    if (out.kind !== 'Conflict') return;
    assert.equal(out.error.code, 409);
    assert.equal(out.error.message, `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: ${field}`);
    assert.deepStrictEqual(out.error.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field }]);
    assert.deepStrictEqual(out.conflicts.map((c) => [c.manager, c.operation, c.apiVersion, c.field]), [['kubectl-client-side-apply', 'Update', 'v1', field]]);
  });

  test('force takes the field over; the same-valued selector becomes shared', () => {
    const out = apply(csaLive, change, 'kubectl', 1, { force: true });
    assert.equal(out.kind, 'Applied');
    if (out.kind !== 'Applied') return;
    assert.deepStrictEqual((out.object['spec'] as Obj)['ports'], [{ port: 80, protocol: 'TCP', targetPort: 8080 }]);
    assert.deepStrictEqual(out.conflicts.map((c) => c.field), [field]);
    assert.deepStrictEqual(managed(out.object), [
      entry('kubectl', 'Apply', 'v1', 1, { 'f:spec': { 'f:ports': { [K80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} } }),
      entry('kubectl-client-side-apply', 'Update', 'v1', 0, {
        'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
        'f:spec': { 'f:ports': { '.': {}, [K80]: { '.': {}, 'f:port': {}, 'f:protocol': {} } }, 'f:selector': {}, 'f:type': {} },
      }),
    ]);
  });

  test('docs walk-through: an autoscaler takes .spec.replicas, the applier then conflicts or drops it', () => {
    const dep = (replicas?: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    const created = applied(apply(undefined, dep(3), 'kubectl', 1));
    const scaled = recordUpdate(created, { ...created, spec: { ...(created['spec'] as Obj), replicas: 5 } }, { manager: 'hpa-controller', now: T(2) });
    const again = apply(scaled, dep(3), 'kubectl', 3);
    assert.equal(again.kind === 'Conflict' && again.error.message, 'Apply failed with 1 conflict: conflict with "hpa-controller" using apps/v1: .spec.replicas');
    const dropped = applied(apply(scaled, dep(), 'kubectl', 4));
    assert.equal((dropped['spec'] as Obj)['replicas'], 5);
  });

  test('conflict with another applier names it without "using"; several are grouped by manager', () => {
    const a = applied(apply(undefined, cm({ x: '1', y: '1' }), 'a', 1));
    const one = apply(a, cm({ x: '2' }), 'b', 2);
    assert.equal(one.kind === 'Conflict' && one.error.message, 'Apply failed with 1 conflict: conflict with "a": .data.x');
    const withUpdate = recordUpdate(a, { ...a, data: { x: '1', y: '1', z: '1' } }, { manager: 'editor', now: T(3) });
    const many = apply(withUpdate, cm({ x: '2', y: '2', z: '2' }), 'b', 4);
    assert.equal(
      many.kind === 'Conflict' && many.error.message,
      'Apply failed with 3 conflicts: conflicts with "a":\n- .data.x\n- .data.y\nconflicts with "editor" using v1:\n- .data.z',
    );
  });

  test('an object without managedFields is first owned by before-first-apply', () => {
    const legacy = cm({ a: '1' });
    const out = apply(legacy, cm({ a: '2' }), 'kubectl', 1);
    assert.equal(out.kind === 'Conflict' && out.error.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a');
  });
});

describe('serverSideApply: input', () => {
  test('accepts the raw YAML body', () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-cm\ndata:\n  key: "some value"\n';
    const out = applied(apply(undefined, yaml, 'kubectl', 1));
    assert.deepStrictEqual(out['data'], { key: 'some value' });
  });

  const bad: { name: string; live?: unknown; config: unknown; opts?: Partial<ApplyOptions>; message: string | RegExp }[] = [
    { name: 'managedFields in the config', config: cm({}, { managedFields: [] }), message: 'metadata.managedFields must be nil' },
    { name: 'kind differs from the live object', live: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }, config: cm({}), message: 'invalid object type: /v1, Kind=ConfigMap' },
    {
      name: 'version differs from the endpoint',
      config: { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } },
      opts: { expect: { apiVersion: 'apps/v1', kind: 'Deployment' } },
      message: 'invalid object type: apps/v1beta1, Kind=Deployment',
    },
    { name: 'no field manager', config: cm({}), opts: { manager: '' }, message: 'fieldManager is required for apply requests' },
    { name: 'YAML that does not parse', config: 'a: [1,', message: /^error decoding YAML: / },
    { name: 'YAML that is a list', config: '- a\n- b\n', message: 'error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}' },
    {
      name: 'duplicate keys in an associative list',
      config: svcConfig([{ port: 80 }, { port: 80, protocol: 'TCP' }]),
      message: '.spec.ports: duplicate entries for key [port=80,protocol="TCP"]',
    },
    {
      name: 'list item without any key field',
      config: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ image: 'nginx' }] } },
      message: `.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn't have default values for any key fields)`,
    },
  ];
  for (const c of bad) {
    test(c.name, () => {
      assert.throws(
        () => serverSideApply(c.live, c.config, { manager: 'kubectl', now: T(1), ...c.opts }),
        (e: unknown) => e instanceof PatchError && e.code === 400 && (typeof c.message === 'string' ? e.message === c.message : c.message.test(e.message)),
      );
    });
  }

  test('inputs are not mutated', () => {
    const live = applied(apply(undefined, svcConfig([{ port: 80 }, { port: 443 }]), 'kubectl', 1));
    const config = svcConfig([{ port: 443 }]);
    const [liveBefore, configBefore] = [structuredClone(live), structuredClone(config)];
    const out = applied(apply(live, config, 'kubectl', 2));
    assert.deepStrictEqual(live, liveBefore);
    assert.deepStrictEqual(config, configBefore);
    assert.deepStrictEqual(managed(out), [entry('kubectl', 'Apply', 'v1', 2, { 'f:spec': { 'f:ports': { [K443]: { '.': {}, 'f:port': {} } }, 'f:selector': {} } })]);
  });
});
