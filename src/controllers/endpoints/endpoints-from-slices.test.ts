import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Endpoint, EndpointSlice, Endpoints, Service } from '../../api/index.js';
import { endpointsAction, subsetsFromSlices } from './endpoints-from-slices.js';

const svc = (o: { publishNotReady?: boolean; labels?: Record<string, string> } = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', ...(o.labels !== undefined ? { labels: o.labels } : {}) },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }], ...(o.publishNotReady === true ? { publishNotReadyAddresses: true } : {}) },
});

const ep = (ip: string, o: { ready?: boolean; terminating?: boolean; node?: string } = {}): Endpoint => ({
  addresses: [ip],
  conditions: { ready: o.ready ?? true, serving: o.ready ?? true, terminating: o.terminating ?? false },
  nodeName: o.node ?? 'k8s-node1',
  targetRef: { kind: 'Pod', namespace: 'ns', name: `pod-${ip}`, uid: `uid-${ip}` },
});

const slice = (name: string, endpoints: Endpoint[], port = 8080, addressType: 'IPv4' | 'IPv6' = 'IPv4'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, namespace: 'ns' },
  addressType,
  endpoints,
  ports: [{ name: 'http', port, protocol: 'TCP' }],
});

const addr = (ip: string, node = 'k8s-node1') => ({ ip, nodeName: node, targetRef: { kind: 'Pod', namespace: 'ns', name: `pod-${ip}`, uid: `uid-${ip}` } });

describe('subsetsFromSlices', () => {
  test('ready and not-ready addresses, sorted by IP, one subset per port set', () => {
    const { subsets } = subsetsFromSlices(svc(), [
      slice('a', [ep('10.0.0.9'), ep('10.0.0.10', { ready: false })]),
      slice('b', [ep('10.0.0.2')]),
      slice('c', [ep('10.0.1.1')], 9090),
    ]);
    assert.deepEqual(subsets, [
      { addresses: [addr('10.0.0.2'), addr('10.0.0.9')], notReadyAddresses: [addr('10.0.0.10')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('10.0.1.1')], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('terminating endpoints are left out unless publishNotReadyAddresses; other address types are ignored', () => {
    const slices = [slice('a', [ep('10.0.0.1', { terminating: true, ready: false }), ep('10.0.0.2')]), slice('v6', [ep('fd00::1')], 8080, 'IPv6')];
    assert.deepEqual(subsetsFromSlices(svc(), slices).subsets[0]?.addresses?.map((a) => a.ip), ['10.0.0.2']);
    const pnr = [slice('a', [{ ...ep('10.0.0.1', { terminating: true }), conditions: { ready: true, serving: true, terminating: true } }])];
    assert.deepEqual(subsetsFromSlices(svc({ publishNotReady: true }), pnr).subsets[0]?.addresses?.map((a) => a.ip), ['10.0.0.1']);
  });

  test('an address seen ready in one slice and not ready in another counts as ready once', () => {
    const { subsets } = subsetsFromSlices(svc(), [slice('a', [ep('10.0.0.1', { ready: false })]), slice('b', [ep('10.0.0.1')])]);
    assert.deepEqual(subsets, [{ addresses: [addr('10.0.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
  });

  test('more than 1000 addresses are truncated, ready ones kept first', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`));
    const r = subsetsFromSlices(svc(), [slice('a', many.slice(0, 100)), slice('b', many.slice(100)), slice('c', [ep('10.9.9.9', { ready: false })])]);
    assert.equal(r.truncated, true);
    assert.equal(r.subsets[0]?.addresses?.length, 1000);
    assert.equal(r.subsets[0]?.notReadyAddresses, undefined);
  });
});

describe('endpointsAction', () => {
  test('create, then nothing while unchanged, then update', () => {
    const slices = [slice('a', [ep('10.0.0.1')])];
    const first = endpointsAction(svc({ labels: { team: 'x' } }), slices, undefined);
    assert.equal(first.type, 'create');
    const created = (first as { endpoints: Endpoints }).endpoints;
    assert.deepEqual(created.metadata, { name: 'web', namespace: 'ns', labels: { team: 'x' } });
    const stored: Endpoints = { ...created, metadata: { ...created.metadata, resourceVersion: '5', uid: 'u' } };
    assert.deepEqual(endpointsAction(svc({ labels: { team: 'x' } }), slices, stored), { type: 'none' });
    const next = endpointsAction(svc({ labels: { team: 'x' } }), [slice('a', [ep('10.0.0.1', { ready: false })])], stored);
    assert.equal(next.type, 'update');
    assert.equal((next as { endpoints: Endpoints }).endpoints.metadata.resourceVersion, '5');
    assert.deepEqual((next as { endpoints: Endpoints }).endpoints.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip), ['10.0.0.1']);
  });

  test('no endpoints: an Endpoints object without subsets', () => {
    const a = endpointsAction(svc(), [], undefined);
    assert.deepEqual(a, { type: 'create', endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'ns' } } });
  });
});
