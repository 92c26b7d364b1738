import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { LbEdge } from '../engine/lb-edge.js';
import { buildNsxLbModel } from '../nsx/build-model.js';
import { DEMO_PODS, fetchOnce, lbLab } from '../_test-edge.js';
import { slice, svc } from '../_test-objects.js';
import { formatLogicalRouters, formatVrfInterfaces } from './format-edge.js';
import { formatPools, formatVirtualServers } from './format-lb.js';

const opts = { clusterName: 'k8s-testcluster1', suffix: 'cyjfb', uplinkIp: '100.64.208.9' } as const;

function setup() {
  const env = lbLab();
  const model = buildNsxLbModel([svc('nsxdemoservice')], [slice('nsxdemoservice', DEMO_PODS.map((p) => ({ ip: p.ip, pod: p.name })))], opts);
  const edge = unwrap(LbEdge.attach({ lab: env.lab, loadBalancer: model.loadBalancer, clock: env.clock }));
  edge.sync(model);
  return { ...env, edge, model };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

describe('edge views', () => {
  test("get logical-router: the article's header and column layout, DR/SR rows, names cut to 31 characters", () => {
    const { lab, edge } = setup();
    const out = formatLogicalRouters(lab, { edge });
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], 'Logical Router');
    assert.equal(lines[1], 'UUID                                   VRF    LR-ID  Name                              Type                        Ports');
    assert.match(lines[2] ?? '', new RegExp(`^${UUID}   0      0                                        TUNNEL                      3$`));
    const byName = (n: string) => lines.find((l) => l.slice(53, 87).trimEnd() === n);
    assert.match(byName('SR-T0-K8S-Domain') ?? '', /\s2\s+SR-T0-K8S-Domain\s+SERVICE_ROUTER_TIER0\s+5$/);
    assert.match(byName('DR-T0-K8S-Domain') ?? '', /\s1\s+DR-T0-K8S-Domain\s+DISTRIBUTED_ROUTER_TIER0\s+\d+$/);
    assert.match(byName('DR-k8s-testcluster1-kube-node-l') ?? '', /DISTRIBUTED_ROUTER_TIER1/);
    assert.match(byName('DR-k8s-testcluster1-demons') ?? '', /DISTRIBUTED_ROUTER_TIER1/);
    // With the article's six namespaces the LB Tier-1's DR and SR land on VRFs 10 and 11.
    assert.match(byName('DR-lb-k8s-testcluster1-cyjfb') ?? '', new RegExp(`^${UUID}   10     3073   DR-lb-k8s-testcluster1-cyjfb      DISTRIBUTED_ROUTER_TIER1    4$`));
    assert.match(byName('SR-lb-k8s-testcluster1-cyjfb') ?? '', new RegExp(`^${UUID}   11     3074   SR-lb-k8s-testcluster1-cyjfb      SERVICE_ROUTER_TIER1        5$`));
    assert.equal(formatLogicalRouters(lab, { edge }), out, 'deterministic');
  });

  test('vrf 11 get interfaces: the DR then the SR, uplink 100.64.208.9/31, VIPs on the loopback', () => {
    const { lab, edge } = setup();
    const out = unwrap(formatVrfInterfaces(lab, 11, { edge }));
    const blocks = out.split('Logical Router\n').slice(1);
    assert.equal(blocks.length, 2);
    assert.match(blocks[0] ?? '', /DR-lb-k8s-testcluster1-cyjfb      DISTRIBUTED_ROUTER_TIER1\nInterfaces\n/);
    assert.match(blocks[0] ?? '', /    Name          : lrp-k8s-testcluster1-lb-k8s-tes\n    Mode          : lif\n    IP\/Mask       : 169\.254\.169\.1\/24\n    MAC           : 02:50:56:56:44:52\n/);
    const sr = blocks[1] ?? '';
    assert.match(sr, /^UUID                                   VRF    LR-ID  Name                              Type\n/);
    assert.match(sr, /11     3074   SR-lb-k8s-testcluster1-cyjfb      SERVICE_ROUTER_TIER1\n/);
    assert.match(sr, new RegExp(`    Interface     : ${UUID}\n    Ifuid         : \\d+\n    Name          : TIER1-RouterLinkPort\n    Mode          : lif\n    IP/Mask       : 100\\.64\\.208\\.9/31;fe80::[0-9a-f:]+/64;fc[0-9a-f:]+::2/64\n`));
    assert.match(sr, /    Mode          : loopback\n    IP\/Mask       : 127\.0\.0\.1\/8;10\.190\.6\.102\/32;::1\/128\n/);
    assert.match(sr, /    Mode          : blackhole\n\n/);
    assert.match(sr, /    Mode          : cpu\n\n/);
    assert.match(sr, /    Name          : bp-sr0-port\n    Mode          : lif\n    IP\/Mask       : 169\.254\.0\.2\/28;fe80::50:56ff:fe56:5300\/64\n    MAC           : 02:50:56:56:53:00\n/);
    // The backplane between the DR and the SR is one segment: same VNI on both ports.
    const vni = (b: string, port: string) => new RegExp(`Name          : ${port}\\n(?:.*\\n){3}    VNI           : (\\d+)`).exec(b)?.[1];
    assert.ok(vni(blocks[0] ?? '', 'bp-dr-port') !== undefined);
    assert.equal(vni(blocks[0] ?? '', 'bp-dr-port'), vni(sr, 'bp-sr0-port'));
    assert.match(sr, /    Urpf-mode     : NONE\n    Admin         : up\n    Op_state      : up\n    MTU           : 1442/);
  });

  test('a second VIP shows on the loopback; removing it takes it off; unknown VRF is an error', () => {
    const { lab, edge } = setup();
    edge.sync(buildNsxLbModel([svc('nsxdemoservice'), svc('other', { ingress: ['10.190.6.103', '100.64.208.9'] })], [], opts));
    assert.match(unwrap(formatVrfInterfaces(lab, 11, { edge })), /127\.0\.0\.1\/8;10\.190\.6\.102\/32;10\.190\.6\.103\/32;::1\/128/);
    edge.sync(buildNsxLbModel([svc('other', { ingress: ['10.190.6.103', '100.64.208.9'] })], [], opts));
    assert.match(unwrap(formatVrfInterfaces(lab, 11, { edge })), /127\.0\.0\.1\/8;10\.190\.6\.103\/32;::1\/128/);
    const bad = formatVrfInterfaces(lab, 99, { edge });
    assert.equal(bad.ok, false);
    const dr = unwrap(formatVrfInterfaces(lab, 10, { edge }));
    assert.equal(dr.split('Logical Router\n').length - 1, 1, 'a DR alone');
  });

  test('virtual servers and pools: VIP:port, protocol, tags, members with connection counts, no monitors', async () => {
    const { clock, client, edge } = setup();
    for (let i = 0; i < 5; i++) assert.equal((await fetchOnce(clock, client.stack, '10.190.6.102', 80)).kind, 'ok');
    const vs = formatVirtualServers(edge.applied());
    assert.match(vs, /^Load Balancer\nUUID              : [0-9a-f-]{36}\nDisplay-Name      : lb-k8s-testcluster1-cyjfb\n/);
    assert.match(vs, /Virtual Server\n    UUID              : [0-9a-f-]{36}\n    Display-Name      : k8s-testcluster1-demons-nsxdemoservice-80\n    IP : Port         : 10\.190\.6\.102:80\n    Protocol          : TCP\n/);
    assert.match(vs, /    Tags              : ncp\/cluster=k8s-testcluster1, ncp\/project=demons, ncp\/service=nsxdemoservice\n/);
    const pools = formatPools(edge.applied(), edge);
    assert.match(pools, /    Health Monitors   : none\n/);
    assert.match(pools, /    Members           : 4\n        172\.25\.5\.2:80 +ENABLED  connections=2  \(nsxdemoapp-85d76c598f-pr49l\)\n        172\.25\.5\.3:80 +ENABLED  connections=1/);
    assert.match(formatPools(buildNsxLbModel([], [], opts)), /No pools/);
  });
});
