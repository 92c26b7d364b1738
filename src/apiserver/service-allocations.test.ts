import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/index.js';
import { parseCidr, parsePortRange } from '../core/index.js';
import { MemoryStore } from '../store/index.js';
import { seededRandom, startTestServer, svc as httpSvc } from './_test-server.js';
import { ServiceAllocations, type AllocationResult } from './service-allocations.js';

function mk(cidr = '10.96.0.0/12', ports = '30000-32767'): ServiceAllocations {
  const c = parseCidr(cidr);
  const r = parsePortRange(ports);
  assert.ok(c.ok && r.ok);
  return new ServiceAllocations(c.value, r.value, seededRandom(7));
}

function svc(name: string, spec: Service['spec'] = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec } } as Service;
}

function ok(r: AllocationResult): () => void {
  assert.equal(r.ok, true, r.ok ? '' : JSON.stringify(r.causes));
  return r.ok ? r.release : () => {};
}

function causes(r: AllocationResult) {
  assert.equal(r.ok, false, 'expected the allocation to fail');
  return r.ok ? [] : r.causes;
}

/** Applies an update the way the resource service does: allocate against old, then release what was dropped. */
function update(a: ServiceAllocations, old: Service, next: Service): Service {
  ok(a.allocate(next, old));
  a.releaseDropped(old, next);
  return next;
}

describe('ServiceAllocations: ClusterIP', () => {
  test('many allocations never repeat an address', () => {
    const a = mk();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = svc(`s${i}`);
      ok(a.allocate(s));
      assert.ok(s.spec?.clusterIP !== undefined);
      assert.ok(!seen.has(s.spec.clusterIP), `duplicate ${s.spec.clusterIP}`);
      assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
      seen.add(s.spec.clusterIP);
    }
    assert.equal(a.ips.used(), 1000);
  });

  test('a small range fills up, then reports range is full', () => {
    const a = mk('10.0.0.0/29'); // 6 usable
    for (let i = 0; i < 6; i++) ok(a.allocate(svc(`s${i}`)));
    const c = causes(a.allocate(svc('x')));
    assert.deepEqual(c, [{ field: 'spec.clusterIPs', value: [], detail: 'failed to allocate a serviceIP: range is full', exhausted: true }]);
  });

  test('a requested IP is honoured, then refused to the next one with the upstream message', () => {
    const a = mk();
    const s1 = svc('a', { clusterIP: '10.96.0.10' });
    ok(a.allocate(s1));
    assert.equal(s1.spec?.clusterIP, '10.96.0.10');
    assert.deepEqual(s1.spec?.clusterIPs, ['10.96.0.10']);
    assert.deepEqual(s1.spec?.ipFamilies, ['IPv4']);
    assert.deepEqual(causes(a.allocate(svc('b', { clusterIP: '10.96.0.10' }))), [
      { field: 'spec.clusterIPs', value: ['10.96.0.10'], detail: 'failed to allocate IP 10.96.0.10: provided IP is already allocated' },
    ]);
    // clusterIPs alone is honoured too.
    const s3 = svc('c', { clusterIPs: ['10.96.0.11'] });
    ok(a.allocate(s3));
    assert.equal(s3.spec?.clusterIP, '10.96.0.11');
  });

  test('an IP outside the range is refused with the range in the message', () => {
    const a = mk();
    assert.deepEqual(causes(a.allocate(svc('a', { clusterIP: '192.168.1.1' }))), [
      {
        field: 'spec.clusterIPs',
        value: ['192.168.1.1'],
        detail: 'failed to allocate IP 192.168.1.1: the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
      },
    ]);
    assert.equal(a.ips.used(), 0);
  });

  test('headless (None) and ExternalName get no address', () => {
    const a = mk();
    const h = svc('h', { clusterIP: 'None' });
    ok(a.allocate(h));
    assert.equal(h.spec?.clusterIP, 'None');
    const e = svc('e', { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.5' });
    ok(a.allocate(e));
    assert.equal(e.spec?.clusterIP, undefined);
    assert.equal(e.spec?.clusterIPs, undefined);
    assert.equal(a.ips.used(), 0);
  });

  test('release on delete makes the address available again', () => {
    const a = mk();
    const s = svc('a', { clusterIP: '10.96.0.20' });
    ok(a.allocate(s));
    a.releaseAll(s);
    assert.equal(a.ips.has('10.96.0.20'), false);
    ok(a.allocate(svc('b', { clusterIP: '10.96.0.20' })));
  });

  test('an update keeps the address; ClusterIP -> ExternalName releases it', () => {
    const a = mk();
    const s = svc('a');
    ok(a.allocate(s));
    const ip = s.spec!.clusterIP!;
    const same = update(a, s, svc('a', { clusterIP: '' }));
    assert.equal(same.spec?.clusterIP, ip);
    assert.equal(a.ips.used(), 1);
    update(a, same, svc('a', { type: 'ExternalName', externalName: 'x.example.com', clusterIP: ip, clusterIPs: [ip] }));
    assert.equal(a.ips.has(ip), false);
  });

  test('the release callback undoes exactly that call', () => {
    const a = mk();
    const s = svc('a', { type: 'NodePort' });
    const release = ok(a.allocate(s));
    assert.equal(a.ips.used(), 1);
    assert.equal(a.ports.used(), 1);
    release();
    assert.equal(a.ips.used(), 0);
    assert.equal(a.ports.used(), 0);
  });
});

describe('ServiceAllocations: NodePorts', () => {
  test('auto-allocated ports are in range and distinct', () => {
    const a = mk();
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const s = svc(`s${i}`, { type: 'NodePort' });
      ok(a.allocate(s));
      const p = s.spec!.ports![0]!.nodePort!;
      assert.ok(p >= 30000 && p <= 32767, String(p));
      assert.ok(!seen.has(p));
      seen.add(p);
    }
  });

  test('a requested nodePort is honoured, then refused to another Service', () => {
    const a = mk();
    const s = svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] });
    ok(a.allocate(s));
    assert.equal(s.spec?.ports?.[0]?.nodePort, 30080);
    assert.deepEqual(causes(a.allocate(svc('b', { type: 'NodePort', ports: [{ port: 81, protocol: 'TCP', nodePort: 30080 }] }))), [
      { field: 'spec.ports[0].nodePort', value: 30080, detail: 'provided port is already allocated' },
    ]);
    assert.deepEqual(causes(a.allocate(svc('c', { type: 'NodePort', ports: [{ port: 81, protocol: 'TCP', nodePort: 80 }] }))), [
      { field: 'spec.ports[0].nodePort', value: 80, detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767' },
    ]);
    // The failed attempts left nothing behind (their ClusterIPs included).
    assert.equal(a.ports.used(), 1);
    assert.equal(a.ips.used(), 1);
  });

  test('TCP and UDP of the same port share one nodePort (auto and requested)', () => {
    const a = mk();
    const dns = svc('dns', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] });
    ok(a.allocate(dns));
    const [u, t] = dns.spec!.ports!;
    assert.ok(u?.nodePort !== undefined && u.nodePort === t?.nodePort);
    assert.equal(a.ports.used(), 1);
    const req = svc('req', { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP', nodePort: 31053 }, { name: 'b', port: 53, protocol: 'TCP', nodePort: 31053 }] });
    ok(a.allocate(req));
    assert.equal(a.ports.used(), 2);
    a.releaseAll(req);
    assert.equal(a.ports.has(31053), false);
  });

  test('LoadBalancer -> NodePort -> ClusterIP releases healthCheckNodePort, then nodePorts', () => {
    const a = mk();
    const lb = svc('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    ok(a.allocate(lb));
    const np = lb.spec!.ports![0]!.nodePort!;
    const hc = lb.spec!.healthCheckNodePort!;
    assert.ok(hc >= 30000 && hc !== np);
    assert.equal(a.ports.used(), 2);

    const asNodePort = update(a, lb, svc('a', { type: 'NodePort', clusterIP: lb.spec!.clusterIP!, externalTrafficPolicy: 'Local', healthCheckNodePort: hc, ports: [{ port: 80, protocol: 'TCP', nodePort: np }] }));
    assert.equal(asNodePort.spec?.healthCheckNodePort, undefined);
    assert.equal(a.ports.has(hc), false);
    assert.equal(a.ports.has(np), true);

    const asClusterIP = update(a, asNodePort, svc('a', { type: 'ClusterIP', clusterIP: lb.spec!.clusterIP!, ports: [{ port: 80, protocol: 'TCP', nodePort: np }] }));
    assert.equal(asClusterIP.spec?.ports?.[0]?.nodePort, undefined);
    assert.equal(a.ports.used(), 0);
    assert.equal(a.ips.used(), 1);
  });

  test('an update keeps nodePorts of unchanged ports and frees those of removed ports', () => {
    const a = mk();
    const s = svc('a', { type: 'NodePort', ports: [{ name: 'x', port: 80, protocol: 'TCP' }, { name: 'y', port: 81, protocol: 'TCP' }] });
    ok(a.allocate(s));
    const [p80, p81] = s.spec!.ports!.map((p) => p.nodePort!);
    const next = update(a, s, svc('a', { type: 'NodePort', ports: [{ name: 'x', port: 80, protocol: 'TCP' }] }));
    assert.equal(next.spec?.ports?.[0]?.nodePort, p80);
    assert.equal(a.ports.has(p81!), false);
    assert.equal(a.ports.used(), 1);
  });

  test('healthCheckNodePort only for LoadBalancer with externalTrafficPolicy Local', () => {
    const a = mk();
    const cluster = svc('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', healthCheckNodePort: 31000 });
    ok(a.allocate(cluster));
    assert.equal(cluster.spec?.healthCheckNodePort, undefined);
    const local = svc('b', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31001 });
    ok(a.allocate(local));
    assert.equal(local.spec?.healthCheckNodePort, 31001);
    assert.deepEqual(causes(a.allocate(svc('c', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31001 }))), [
      { field: 'spec.healthCheckNodePort', value: 31001, detail: 'provided port is already allocated' },
    ]);
  });

  test('allocateLoadBalancerNodePorts=false gives a LoadBalancer no nodePorts', () => {
    const a = mk();
    const s = svc('a', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
    ok(a.allocate(s));
    assert.equal(s.spec?.ports?.[0]?.nodePort, undefined);
    assert.equal(a.ports.used(), 0);
  });
});

describe('ServiceAllocations: rebuild after restart', () => {
  test('stored Services mark their addresses and ports as held', () => {
    const before = mk();
    const stored: Service[] = [];
    for (const spec of [
      {},
      { type: 'NodePort' as const },
      { type: 'LoadBalancer' as const, externalTrafficPolicy: 'Local' as const },
      { clusterIP: 'None' },
      { type: 'NodePort' as const, ports: [{ port: 53, protocol: 'UDP' as const }, { port: 53, protocol: 'TCP' as const }] },
    ]) {
      const s = svc(`s${stored.length}`, spec);
      ok(before.allocate(s));
      stored.push(s);
    }
    const after = mk();
    assert.deepEqual(after.rebuild(stored), []);
    assert.equal(after.ips.used(), before.ips.used());
    assert.equal(after.ports.used(), before.ports.used());
    for (const s of stored) {
      if (s.spec?.clusterIP !== 'None') assert.equal(after.ips.has(s.spec!.clusterIP!), true);
      for (const p of s.spec?.ports ?? []) if (p.nodePort !== undefined) assert.equal(after.ports.has(p.nodePort), true);
    }
    // A fresh allocation never reuses a held address.
    for (let i = 0; i < 200; i++) {
      const s = svc(`n${i}`);
      ok(after.allocate(s));
      assert.ok(!stored.some((o) => o.spec?.clusterIP === s.spec?.clusterIP));
    }
  });

  test('two stored Services claiming one nodePort are reported; TCP+UDP of one Service are not', () => {
    const a = mk();
    const dns = svc('dns', { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 53, protocol: 'TCP', nodePort: 30053 }] });
    const thief = svc('thief', { type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ port: 80, protocol: 'TCP', nodePort: 30053 }] });
    assert.deepEqual(a.rebuild([dns, thief]), ['default/thief: nodePort 30053: provided port is already allocated']);
  });

  test('two stored Services claiming one address are reported', () => {
    const a = mk();
    const problems = a.rebuild([svc('a', { clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] }), svc('b', { clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] })]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^default\/b: clusterIP 10\.96\.0\.9: provided IP is already allocated/);
  });
});

describe('ServiceAllocations through the API server', () => {
  test('a restart on the same store rebuilds what is held', async () => {
    const store = new MemoryStore();
    const first = await startTestServer({ store });
    const held: Array<{ ip: string; port: number }> = [];
    for (let i = 0; i < 20; i++) {
      const r = await first.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc(`keep${i}`, { type: 'NodePort' }) });
      assert.equal(r.status, 201, r.text);
      held.push({ ip: r.json.spec.clusterIP, port: r.json.spec.ports[0].nodePort });
    }
    await first.close();

    // Same random seed: without a rebuild the new server would hand out the same addresses again.
    const second = await startTestServer({ store });
    try {
      const taken = await second.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc('dup-ip', { clusterIP: held[0]!.ip }) });
      assert.equal(taken.status, 422);
      assert.match(taken.json.message, /provided IP is already allocated$/);
      const takenPort = await second.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc('dup-port', { type: 'NodePort', ports: [{ port: 80, nodePort: held[0]!.port }] }) });
      assert.equal(takenPort.status, 422);
      for (let i = 0; i < 20; i++) {
        const r = await second.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc(`new${i}`, { type: 'NodePort' }) });
        assert.equal(r.status, 201, r.text);
        assert.ok(!held.some((h) => h.ip === r.json.spec.clusterIP), `reused ${r.json.spec.clusterIP}`);
        assert.ok(!held.some((h) => h.port === r.json.spec.ports[0].nodePort), `reused ${r.json.spec.ports[0].nodePort}`);
      }
    } finally {
      await second.close();
    }
  });

  test('an exhausted range is a 500 InternalError, as upstream', async () => {
    // /29: six usable addresses, the first for the `kubernetes` Service.
    const s = await startTestServer({ serviceCidr: '10.97.0.0/29', nodePortRange: '30000-30001' });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await s.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc(`f${i}`) })).status, 201);
      const r = await s.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc('one-too-many') });
      assert.equal(r.status, 500);
      assert.equal(r.json.reason, 'InternalError');
      assert.equal(r.json.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
      await s.req('DELETE', '/api/v1/namespaces/default/services/f0');
      const np = await s.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc('np', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }, { name: 'c', port: 82 }] }) });
      assert.equal(np.status, 500);
      assert.equal(np.json.message, 'Internal error occurred: failed to allocate a nodePort: range is full');
      // Nothing from the failed attempt is kept: the freed address and both ports are still there to take.
      const ok = await s.req('POST', '/api/v1/namespaces/default/services', { body: httpSvc('np2', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] }) });
      assert.equal(ok.status, 201, ok.text);
    } finally {
      await s.close();
    }
  });
});
