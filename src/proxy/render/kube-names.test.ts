import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildService } from '../model/builders.js';
import { projectService } from '../model/project.js';
import type { ServicePortInfo } from '../model/types.js';
import { base32, extChain, nftEndpointBase, nftHashedName, nftServicePortBase, sepChain, svcChain } from './kube-names.js';

function port(ns: string, name: string, portName: string, protocol: 'TCP' | 'UDP', p: number): ServicePortInfo {
  const info = projectService(buildService({ namespace: ns, name, clusterIP: '10.96.0.1', ports: [{ name: portName, port: p, protocol }] }));
  return info.ports[0]!;
}

test('base32 follows RFC 4648 test vectors', () => {
  const enc = (s: string) => base32(new TextEncoder().encode(s));
  assert.equal(enc('f'), 'MY');
  assert.equal(enc('foobar'), 'MZXW6YTBOI');
});

test('iptables chain names: known kube-proxy values', () => {
  assert.equal(svcChain(port('default', 'kubernetes', 'https', 'TCP', 443)), 'KUBE-SVC-NPX46M4PTMTKRN6Y');
  assert.equal(svcChain(port('kube-system', 'kube-dns', 'dns', 'UDP', 53)), 'KUBE-SVC-TCOU7JCQXEZGVUNU');
  const p1 = port('ns1', 'svc1', 'p80', 'TCP', 80);
  assert.equal(svcChain(p1), 'KUBE-SVC-XPGD46QRK7WJZT7O');
  assert.equal(extChain(p1), 'KUBE-EXT-XPGD46QRK7WJZT7O');
  assert.equal(sepChain(p1, { ip: '10.180.0.1', port: 80 }), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
});

test('nftables chain names: hash prefix then readable name', () => {
  const p1 = port('ns1', 'svc1', 'p80', 'TCP', 80);
  assert.equal(nftHashedName('service', nftServicePortBase(p1)), 'service-ULMVA6XW-ns1/svc1/tcp/p80');
  assert.equal(nftHashedName('endpoint', nftEndpointBase(p1, { ip: '10.180.0.1', port: 80 })), 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
});
