// Cases mirror k8s.io/apimachinery/pkg/fields/selector_test.go (TestSelectorParse,
// TestEscapeValue); per-resource rules come from pkg/apis/core/v1/conversion.go (field label
// conversions), runtime.DefaultMetaV1FieldSelectorConversion and the registry strategies'
// selectable fields (pkg/registry/core/{pod,event,...}/strategy.go).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, KubeObject, Node, Pod, Service } from '../types/index.js';
import {
  convertFieldSelector,
  escapeFieldValue,
  fieldSelectorToString,
  fieldsOf,
  matchesFields,
  objectMatchesFields,
  parseFieldSelector,
  parseFieldSelectorFor,
  requiresExactFieldMatch,
  unescapeFieldValue,
  type ParsedFieldSelector,
} from './index.js';

function parse(s: string): ParsedFieldSelector {
  const r = parseFieldSelector(s);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('parseFieldSelector', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) {
    test(`round trips ${JSON.stringify(s)}`, () => assert.equal(fieldSelectorToString(parse(s)), s));
  }
  test('terms come out sorted and == becomes =', () => {
    assert.equal(fieldSelectorToString(parse('z==1,a!=2,m=3')), 'a!=2,m=3,z=1');
    assert.deepEqual(parse('spec.nodeName==k8s-node1').terms, [{ field: 'spec.nodeName', operator: '=', value: 'k8s-node1' }]);
  });
  test('empty terms are skipped, empty values allowed', () => {
    assert.deepEqual(parse(',a=,').terms, [{ field: 'a', operator: '=', value: '' }]);
  });
  test('escaped comma stays inside the value', () => {
    assert.deepEqual(parse('a=x\\,y,b=z').terms, [
      { field: 'a', operator: '=', value: 'x,y' },
      { field: 'b', operator: '=', value: 'z' },
    ]);
  });
  const bad: [string, string][] = [
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x in (a,b,c)', "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['a=\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [s, want] of bad) {
    test(`rejects ${JSON.stringify(s)}`, () => {
      const r = parseFieldSelector(s);
      assert.ok(!r.ok);
      assert.equal(r.error.message, want);
      assert.equal(r.error.reason, 'syntax');
    });
  }
});

describe('escaping (TestEscapeValue)', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ];
  for (const [raw, escaped] of cases) {
    test(JSON.stringify(raw), () => {
      assert.equal(escapeFieldValue(raw), escaped);
      assert.deepEqual(unescapeFieldValue(escaped), { ok: true, value: raw });
    });
  }
  for (const badValue of ['\\', '\\\\\\', '\\a']) {
    test(`invalid escape ${JSON.stringify(badValue)}`, () => assert.equal(unescapeFieldValue(badValue).ok, false));
  }
});

describe('field label conversion per resource', () => {
  const accepted: [string, string][] = [
    ['pods', 'spec.nodeName=n1,status.phase=Running,spec.hostNetwork=false,status.podIP=1.2.3.4,spec.schedulerName=x,spec.serviceAccountName=y,spec.restartPolicy=Always,status.nominatedNodeName=z,status.podIPs=a'],
    ['pods', 'metadata.name=a,metadata.namespace=b'],
    ['events', 'involvedObject.kind=Service,involvedObject.namespace=demons,involvedObject.name=x,involvedObject.uid=u,involvedObject.apiVersion=v1,involvedObject.resourceVersion=1,involvedObject.fieldPath=f,reason=r,reportingComponent=c,source=s,type=Normal'],
    ['nodes', 'metadata.name=n,spec.unschedulable=true'],
    ['namespaces', 'metadata.name=demons,status.phase=Active'],
    ['secrets', 'type=Opaque,metadata.name=a,metadata.namespace=b'],
    ['services', 'spec.clusterIP!=None,spec.type=LoadBalancer,metadata.name=a'],
    ['replicationcontrollers', 'status.replicas=2'],
    ['deployments', 'metadata.name=a,metadata.namespace=b'],
    ['endpointslices', 'metadata.name=a'],
    ['widgets', 'metadata.namespace=a'],
  ];
  for (const [resource, s] of accepted) test(`${resource} accepts ${s}`, () => assert.ok(parseFieldSelectorFor(resource, s).ok));

  const rejected: [string, string, string][] = [
    ['pods', 'spec.containers=x', 'field label not supported: spec.containers'],
    ['nodes', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['namespaces', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['services', 'spec.ports=x', 'field label not supported: spec.ports'],
    ['events', 'involvedObject.foo=x', 'field label not supported: involvedObject.foo'],
    ['replicasets', 'status.replicas=1', '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['deployments', 'spec.paused=true', '"spec.paused" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['widgets', 'spec.x=1', '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ];
  for (const [resource, s, want] of rejected) {
    test(`${resource} rejects ${s}`, () => {
      const r = parseFieldSelectorFor(resource, s);
      assert.ok(!r.ok);
      assert.equal(r.error.reason, 'unsupported-field');
      assert.equal(r.error.message, want);
    });
  }

  test('pods: spec.host is rewritten to spec.nodeName', () => {
    const r = convertFieldSelector('pods', parse('spec.host=k8s-node1'));
    assert.ok(r.ok);
    assert.equal(fieldSelectorToString(r.value), 'spec.nodeName=k8s-node1');
    assert.equal(requiresExactFieldMatch(r.value, 'spec.nodeName'), 'k8s-node1');
  });
});

describe('fieldsOf and matching', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nsxtestapp-5bfcc97b5-gdv6n', namespace: 'demons' },
    spec: { containers: [{ name: 'c' }], nodeName: 'k8s-node1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '172.25.5.2', podIPs: [{ ip: '172.25.5.2' }] },
  } satisfies Pod;

  test('pod field set (pod strategy ToSelectableFields)', () => {
    assert.deepEqual(fieldsOf('pods', pod), {
      'metadata.name': 'nsxtestapp-5bfcc97b5-gdv6n',
      'metadata.namespace': 'demons',
      'spec.nodeName': 'k8s-node1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '172.25.5.2',
      'status.nominatedNodeName': '',
    });
  });

  const cases: [string, boolean][] = [
    ['spec.nodeName=k8s-node1', true],
    ['spec.nodeName=k8s-node2', false],
    ['spec.nodeName!=k8s-node2,status.phase=Running', true],
    ['status.podIP=172.25.5.2', true],
    ['spec.hostNetwork=false', true],
    ['status.podIPs=', true],
    ['status.podIPs=172.25.5.2', false],
    ['metadata.namespace=demons,metadata.name=nsxtestapp-5bfcc97b5-gdv6n', true],
    ['', true],
  ];
  for (const [s, want] of cases) {
    test(`pod ${JSON.stringify(s)} -> ${want}`, () => {
      const sel = parseFieldSelectorFor('pods', s);
      assert.ok(sel.ok);
      assert.equal(objectMatchesFields('pods', sel.value, pod), want);
    });
  }

  test('status.podIP falls back to the scalar when podIPs is absent', () => {
    const p: Pod = { ...pod, status: { phase: 'Running', podIP: '10.0.0.9' } };
    assert.equal(fieldsOf('pods', p)['status.podIP'], '10.0.0.9');
  });

  test('events: kubectl describe service selector', () => {
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'nsxdemoservice.1', namespace: 'demons' },
      involvedObject: { kind: 'Service', namespace: 'demons', name: 'nsxdemoservice', uid: 'u-1' },
      reason: 'EnsuringLoadBalancer',
      reportingComponent: 'service-controller',
      type: 'Normal',
    };
    const sel = parseFieldSelectorFor('events', 'involvedObject.name=nsxdemoservice,involvedObject.namespace=demons,involvedObject.kind=Service,involvedObject.uid=u-1');
    assert.ok(sel.ok);
    assert.equal(objectMatchesFields('events', sel.value, ev), true);
    // source falls back to reportingController when source.component is empty
    assert.equal(fieldsOf('events', ev)['source'], 'service-controller');
    const fromKubelet: Event = { ...ev, source: { component: 'kubelet' } };
    assert.equal(fieldsOf('events', fromKubelet)['source'], 'kubelet');
  });

  test('nodes are cluster scoped and expose spec.unschedulable', () => {
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'k8s-node1' }, spec: { unschedulable: true } };
    assert.deepEqual(fieldsOf('nodes', node), { 'metadata.name': 'k8s-node1', 'spec.unschedulable': 'true' });
  });

  test('services expose spec.clusterIP and spec.type', () => {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system' }, spec: { clusterIP: '10.96.0.10', type: 'ClusterIP' } };
    const sel = parseFieldSelectorFor('services', 'spec.clusterIP!=None');
    assert.ok(sel.ok);
    assert.equal(objectMatchesFields('services', sel.value, svc), true);
    const headless: Service = { ...svc, spec: { clusterIP: 'None' } };
    assert.equal(objectMatchesFields('services', sel.value, headless), false);
  });

  test('unknown resources get metadata only', () => {
    const obj: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' } };
    assert.deepEqual(fieldsOf('widgets', obj), { 'metadata.name': 'w', 'metadata.namespace': 'ns' });
  });

  test('matchesFields treats a missing field as empty', () => {
    assert.equal(matchesFields(parse('a='), {}), true);
    assert.equal(matchesFields(parse('a!='), {}), false);
    assert.equal(matchesFields(parse('toString='), {}), true);
  });
});
