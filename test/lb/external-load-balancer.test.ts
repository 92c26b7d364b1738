import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Node, Service } from '../../src/api/index.js';
import { startTestServer, svc, TOKEN } from '../../src/apiserver/_test-server.js';
import { Resources, RestClient } from '../../src/client/index.js';
import { parseIPv4, type IPv4 } from '../../src/core/ip.js';
import { unwrap } from '../../src/core/result.js';
import { Router } from '../../src/dataplane/fabric/router.js';
import { ExternalLoadBalancer } from '../../src/lb/external/index.js';

const ip = (s: string): IPv4 => unwrap(parseIPv4(s));

async function eventually(what: string, fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('ExternalLoadBalancer follows Services, Nodes and EndpointSlices onto the edge router', async () => {
  const server = await startTestServer({ extraNamespaces: ['demons'] });
  const client = new RestClient({ handler: server.api.http.handle, token: TOKEN });
  const edge = new Router({ name: 'edge' });
  edge.addInterface({ name: 'nodes', mac: 0x020000000001, ip: ip('10.190.5.1'), prefix: 24 });
  const addNode = async (name: string, addr: string, ready: boolean) => {
    const n = await client.create<Node>(Resources.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await client.updateStatus<Node>(Resources.nodes, undefined, { ...n, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: addr }] } });
  };
  const elb = unwrap(ExternalLoadBalancer.create({ client, router: edge, snatAddress: ip('10.190.5.1') }));
  try {
    await addNode('k8s-node1', '10.190.5.11', true);
    await addNode('k8s-node2', '10.190.5.12', false);
    elb.start();
    await elb.ready();
    assert.deepEqual(elb.plan.virtualServers, []);

    const created = await client.create<Service>(Resources.services, 'demons', svc('web', { type: 'LoadBalancer' }) as unknown as Service);
    const nodePort = created.spec?.ports?.[0]?.nodePort;
    assert.ok(nodePort !== undefined && nodePort >= 30000, 'the API server allocated a NodePort');
    await client.updateStatus<Service>(Resources.services, 'demons', { ...created, status: { loadBalancer: { ingress: [{ ip: '10.190.6.102' }] } } });
    await eventually('virtual server', () => elb.plan.virtualServers.length === 1);
    assert.deepEqual(edge.loopbackAddresses(), [ip('10.190.6.102')]);
    assert.deepEqual(elb.engine.virtualServers()[0]?.members, [{ ip: ip('10.190.5.11'), port: nodePort, node: 'k8s-node1' }]);

    // Local policy: members follow ready endpoints' nodes.
    const cur = await client.get<Service>(Resources.services, 'demons', 'web');
    await client.update<Service>(Resources.services, 'demons', { ...cur, spec: { ...cur.spec, externalTrafficPolicy: 'Local' } });
    await eventually('no local endpoints', () => elb.plan.virtualServers[0]?.members.length === 0);
    await client.create<EndpointSlice>(Resources.endpointslices, 'demons', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.2'], nodeName: 'k8s-node1', conditions: { ready: true } }],
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
    });
    await eventually('node1 back as a Local member', () => elb.plan.virtualServers[0]?.members.length === 1);

    await client.delete(Resources.services, 'demons', 'web');
    await eventually('VIP gone', () => elb.plan.virtualServers.length === 0);
    assert.deepEqual(edge.loopbackAddresses(), []);
  } finally {
    elb.stop();
    client.close();
    await server.close();
  }
});
