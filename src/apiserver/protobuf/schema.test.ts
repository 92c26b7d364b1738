import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kubernetesSchema, rootMessageFor, supportedKinds } from './schema.js';
import { compileSchema, type MessageSpec } from './schema-types.js';

function field(msg: string, name: string): string {
  const spec = kubernetesSchema.get(msg);
  assert.ok(spec, `message ${msg}`);
  const f = spec.fields.find((x) => x.name === name);
  assert.ok(f, `${msg}.${name}`);
  const prefix = f.shape === 'repeated' ? '[]' : f.shape === 'map' ? 'map[string]' : f.pointer ? '*' : '';
  return `${f.no} ${prefix}${f.type.name}${f.omitempty ? ' omitempty' : ''}${f.inline ? ' inline' : ''}`;
}

describe('compileSchema', () => {
  test('parses the notation', () => {
    const s = compileSchema([{ A: ['2 b *int32 omitempty', '1 a map[string]B', '3 c B inline'], B: ['1 x []string'] }]);
    const a = s.get('A') as MessageSpec;
    assert.deepEqual(
      a.fields.map((f) => [f.no, f.name, f.shape, f.type.kind, f.pointer, f.omitempty, f.inline]),
      [
        [1, 'a', 'map', 'message', false, false, false],
        [2, 'b', 'single', 'scalar', true, true, false],
        [3, 'c', 'single', 'message', false, false, true],
      ],
    );
  });

  const bad: Array<[string, Record<string, string[]>, RegExp]> = [
    ['a malformed line', { A: ['one a string'] }, /cannot parse/],
    ['a duplicate number', { A: ['1 a string', '1 b string'] }, /number 1 used twice/],
    ['a duplicate name', { A: ['1 a string', '2 a string'] }, /name a used twice/],
    ['an undefined message', { A: ['1 a Missing'] }, /undefined message Missing/],
    ['an inline pointer', { A: ['1 a *B inline'], B: [] }, /only a value message/],
    ['an inline scalar', { A: ['1 a string inline'] }, /only a value message/],
    ['field number 0', { A: ['0 a string'] }, /out of range/],
  ];
  for (const [what, src, re] of bad) {
    test(`rejects ${what}`, () => assert.throws(() => compileSchema([src]), re));
  }
});

describe('kubernetesSchema', () => {
  test('has no cycles, so decoding recursion is bounded by the schema depth', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    let maxDepth = 0;
    const visit = (name: string, depth: number): void => {
      maxDepth = Math.max(maxDepth, depth);
      assert.notEqual(state.get(name), 'visiting', `cycle through ${name}`);
      if (state.get(name) === 'done') return;
      state.set(name, 'visiting');
      for (const f of (kubernetesSchema.get(name) as MessageSpec).fields) {
        if (f.type.kind === 'message') visit(f.type.name, depth + 1);
      }
      state.set(name, 'done');
    };
    for (const name of kubernetesSchema.keys()) visit(name, 0);
    assert.ok(maxDepth < 16, `depth ${maxDepth}`);
  });

  // Spot checks against k8s.io/apimachinery meta/v1 and k8s.io/api core/v1, apps/v1
  // generated.proto (numbers) and types.go (pointer-ness, json tags).
  const facts: Array<[string, string, string]> = [
    ['ObjectMeta', 'name', '1 string omitempty'],
    ['ObjectMeta', 'namespace', '3 string omitempty'],
    ['ObjectMeta', 'generation', '7 int64 omitempty'],
    ['ObjectMeta', 'creationTimestamp', '8 Time omitempty'],
    ['ObjectMeta', 'deletionTimestamp', '9 *Time omitempty'],
    ['ObjectMeta', 'deletionGracePeriodSeconds', '10 *int64 omitempty'],
    ['ObjectMeta', 'labels', '11 map[string]string omitempty'],
    ['ObjectMeta', 'annotations', '12 map[string]string omitempty'],
    ['ObjectMeta', 'ownerReferences', '13 []OwnerReference omitempty'],
    ['ObjectMeta', 'finalizers', '14 []string omitempty'],
    ['ObjectMeta', 'managedFields', '17 []ManagedFieldsEntry omitempty'],
    ['OwnerReference', 'apiVersion', '5 string'],
    ['ManagedFieldsEntry', 'fieldsV1', '7 *FieldsV1 omitempty'],
    ['NamespaceStatus', 'phase', '1 string omitempty'],
    ['ServiceSpec', 'ports', '1 []ServicePort omitempty'],
    ['ServiceSpec', 'selector', '2 map[string]string omitempty'],
    ['ServiceSpec', 'clusterIP', '3 string omitempty'],
    ['ServiceSpec', 'type', '4 string omitempty'],
    ['ServiceSpec', 'sessionAffinity', '7 string omitempty'],
    ['ServiceSpec', 'externalName', '10 string omitempty'],
    ['ServiceSpec', 'healthCheckNodePort', '12 int32 omitempty'],
    ['ServiceSpec', 'sessionAffinityConfig', '14 *SessionAffinityConfig omitempty'],
    ['ServiceSpec', 'ipFamilyPolicy', '17 *string omitempty'],
    ['ServiceSpec', 'clusterIPs', '18 []string omitempty'],
    ['ServiceSpec', 'ipFamilies', '19 []string omitempty'],
    ['ServiceSpec', 'allocateLoadBalancerNodePorts', '20 *bool omitempty'],
    ['ServiceSpec', 'internalTrafficPolicy', '22 *string omitempty'],
    ['ServicePort', 'port', '3 int32'],
    ['ServicePort', 'targetPort', '4 IntOrString omitempty'],
    ['ServicePort', 'appProtocol', '6 *string omitempty'],
    ['ConfigMap', 'binaryData', '3 map[string]bytes omitempty'],
    ['ConfigMap', 'immutable', '4 *bool omitempty'],
    ['DeploymentSpec', 'replicas', '1 *int32 omitempty'],
    ['DeploymentSpec', 'selector', '2 *LabelSelector'],
    ['DeploymentSpec', 'progressDeadlineSeconds', '9 *int32 omitempty'],
    ['RollingUpdateDeployment', 'maxSurge', '2 *IntOrString omitempty'],
    ['PodSpec', 'containers', '2 []Container'],
    ['PodSpec', 'initContainers', '20 []Container omitempty'],
    ['PodSpec', 'enableServiceLinks', '30 *bool omitempty'],
    ['Container', 'resources', '8 ResourceRequirements omitempty'],
    ['Container', 'terminationMessagePolicy', '20 string omitempty'],
    ['ContainerPort', 'containerPort', '3 int32'],
    ['ResourceRequirements', 'limits', '1 map[string]Quantity omitempty'],
    ['Probe', 'handler', '1 ProbeHandler inline'],
    ['ConfigMapKeySelector', 'localObjectReference', '1 LocalObjectReference inline'],
    ['Volume', 'volumeSource', '2 VolumeSource inline'],
  ];
  for (const [msg, name, want] of facts) {
    test(`${msg}.${name} is ${want}`, () => assert.equal(field(msg, name), want));
  }

  test('root kinds resolve to their messages', () => {
    assert.deepEqual(supportedKinds, ['v1/Namespace', 'v1/Service', 'v1/ConfigMap', 'v1/Pod', 'apps/v1/Deployment']);
    assert.equal(rootMessageFor('apps/v1', 'Deployment')?.name, 'Deployment');
    assert.equal(rootMessageFor('v1', 'Deployment'), undefined);
    assert.equal(rootMessageFor('v1', 'Secret'), undefined);
  });
});
