import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildService, buildSlice } from './builders.js';
import { EndpointsChangeTracker } from './endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from './project.js';
import { ServiceChangeTracker } from './service-change-tracker.js';
import { staleUdpFlushes } from './stale-udp.js';

const dns = projectService(
  buildService({
    namespace: 'kube-system',
    name: 'kube-dns',
    clusterIP: '10.96.0.10',
    type: 'NodePort',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30054 },
    ],
  }),
);
const slice = (ips: string[], serving = true) =>
  projectEndpointSlice(
    buildSlice({
      namespace: 'kube-system',
      service: 'kube-dns',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
      endpoints: ips.map((ip) => ({ ip, ready: serving, serving })),
    }),
  );

function setup() {
  const svcs = new ServiceChangeTracker();
  const eps = new EndpointsChangeTracker('node1');
  svcs.update(undefined, dns);
  const s0 = slice(['172.25.4.2', '172.25.4.3']);
  eps.update(undefined, s0, 0);
  svcs.checkout();
  eps.checkout();
  const flushes = () => {
    const sc = svcs.checkout();
    const ec = eps.checkout();
    return staleUdpFlushes(sc.services, ec.services, (n) => svcs.ports(n), (n) => eps.endpointsOf(n));
  };
  return { svcs, eps, s0, flushes };
}

test('a removed UDP endpoint is flushed for the ClusterIP and the NodePort; TCP ports need nothing', () => {
  const { eps, s0, flushes } = setup();
  eps.update(s0, slice(['172.25.4.3']), 0);
  assert.deepEqual(flushes(), [
    { proto: 'udp', origDst: '10.96.0.10', origDstPort: 53, natDst: '172.25.4.2', natDstPort: 53 },
    { proto: 'udp', origDstPort: 30053, natDst: '172.25.4.2', natDstPort: 53 },
  ]);
});

test('an endpoint that stops serving is stale; one that only stops being ready is not', () => {
  const { eps, s0, flushes } = setup();
  const notReadyStillServing = projectEndpointSlice(
    buildSlice({
      namespace: 'kube-system',
      service: 'kube-dns',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
      endpoints: [{ ip: '172.25.4.2', terminating: true, serving: true }, { ip: '172.25.4.3' }],
    }),
  );
  eps.update(s0, notReadyStillServing, 0);
  assert.deepEqual(flushes(), []);
  eps.update(notReadyStillServing, slice(['172.25.4.2', '172.25.4.3'], false), 0);
  assert.equal(flushes().filter((f) => f.origDst !== undefined).length, 2);
});

test('a deleted service flushes every endpoint it had', () => {
  const { svcs, flushes } = setup();
  svcs.update(dns, undefined);
  const f = flushes();
  assert.deepEqual(
    f.filter((x) => x.origDst !== undefined).map((x) => x.natDst),
    ['172.25.4.2', '172.25.4.3'],
  );
});
