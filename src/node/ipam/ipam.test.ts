import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateAddress, decodeTable, encodeTable, isPodAddress, releaseAddress, subnetInfo, type AddressTable } from './address-pool.js';
import { NodeCidrIpam } from './node-cidr-ipam.js';
import { chooseSubnet, indexOfSubnet, makeSubnetPlan, subnetAt } from './subnet-plan.js';

const plan = makeSubnetPlan();
const holder = (uid: string, node = 'k8s-node1') => ({ uid, pod: `demons/${uid}`, node });

describe('namespace subnets (NSX style)', () => {
  test('index -> subnet and back', () => {
    assert.equal(subnetAt(plan, 0), '172.25.0.0/24');
    assert.equal(subnetAt(plan, 5), '172.25.5.0/24');
    assert.equal(subnetAt(plan, 255), '172.25.255.0/24');
    assert.throws(() => subnetAt(plan, 256));
    assert.equal(indexOfSubnet(plan, '172.25.4.0/24'), 4);
    assert.equal(indexOfSubnet(plan, '172.26.4.0/24'), undefined);
    assert.equal(indexOfSubnet(plan, '172.25.4.0/25'), undefined);
    assert.equal(indexOfSubnet(plan, 'garbage'), undefined);
  });

  const cases: { name: string; ns: string; assigned: Record<string, string>; want: string | 'exhausted' | 'pin-taken'; isNew?: boolean }[] = [
    { name: 'kube-system is pinned to 4 (the article)', ns: 'kube-system', assigned: {}, want: '172.25.4.0/24', isNew: true },
    { name: 'first user namespace gets 5 (demons in the article)', ns: 'demons', assigned: { 'kube-system': '172.25.4.0/24' }, want: '172.25.5.0/24', isNew: true },
    { name: 'first user namespace gets 5 even before kube-system has pods', ns: 'demons', assigned: {}, want: '172.25.5.0/24' },
    { name: 'default is pinned to 0', ns: 'default', assigned: { demons: '172.25.5.0/24' }, want: '172.25.0.0/24' },
    { name: 'next user namespace takes the next free', ns: 'shop', assigned: { demons: '172.25.5.0/24', web: '172.25.6.0/24' }, want: '172.25.7.0/24' },
    { name: 'a freed index is reused lowest first', ns: 'shop', assigned: { web: '172.25.6.0/24' }, want: '172.25.5.0/24' },
    { name: 'a recorded assignment is kept', ns: 'demons', assigned: { demons: '172.25.9.0/24' }, want: '172.25.9.0/24', isNew: false },
    { name: 'a recorded assignment outside the plan is replaced', ns: 'demons', assigned: { demons: '10.0.0.0/24' }, want: '172.25.5.0/24', isNew: true },
    { name: 'pinned block held by someone else is reported', ns: 'kube-system', assigned: { rogue: '172.25.4.0/24' }, want: 'pin-taken' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = chooseSubnet(plan, c.ns, new Map(Object.entries(c.assigned)));
      if (c.want === 'exhausted' || c.want === 'pin-taken') {
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.error.kind, c.want);
        return;
      }
      assert.ok(r.ok);
      assert.equal(r.value.subnet, c.want);
      if (c.isNew !== undefined) assert.equal(r.value.isNew, c.isNew);
    });
  }

  test('exhaustion: a /16 of /24s has 251 unpinned blocks', () => {
    const assigned = new Map<string, string>();
    for (let i = 0; i < 251; i++) {
      const r = chooseSubnet(plan, `ns${i}`, assigned);
      assert.ok(r.ok, `ns${i}`);
      assigned.set(`ns${i}`, r.value.subnet);
    }
    const last = chooseSubnet(plan, 'one-too-many', assigned);
    assert.ok(!last.ok && last.error.kind === 'exhausted');
    // Pinned namespaces still get theirs.
    const ks = chooseSubnet(plan, 'kube-system', assigned);
    assert.ok(ks.ok && ks.value.subnet === '172.25.4.0/24');
  });

  test('other pools and prefixes', () => {
    const p = makeSubnetPlan('10.8.0.0/20', 26, { 'kube-system': 1 });
    assert.equal(subnetAt(p, 1), '10.8.0.64/26');
    const r = chooseSubnet(p, 'x', new Map());
    assert.ok(r.ok && r.value.subnet === '10.8.0.0/26');
    assert.throws(() => makeSubnetPlan('10.8.0.0/20', 16));
    assert.throws(() => makeSubnetPlan('10.8.0.0/20', 24, { a: 16 }));
  });
});

describe('addresses inside a subnet', () => {
  const subnet = '172.25.5.0/24';

  test('gateway is .1, pods start at .2', () => {
    assert.deepEqual(subnetInfo(subnet), { subnet, gateway: '172.25.5.1', prefixLength: 24 });
    assert.equal(isPodAddress(subnet, '172.25.5.1'), false);
    assert.equal(isPodAddress(subnet, '172.25.5.0'), false);
    assert.equal(isPodAddress(subnet, '172.25.5.255'), false);
    assert.equal(isPodAddress(subnet, '172.25.5.254'), true);
    assert.equal(isPodAddress(subnet, '172.25.6.2'), false);
  });

  test('lowest free, idempotent per uid, released addresses reused first', () => {
    let table: AddressTable = new Map();
    const take = (uid: string, hint?: string) => {
      const r = allocateAddress(subnet, table, holder(uid), hint);
      assert.ok(r.ok);
      table = r.value.table;
      return r.value;
    };
    assert.equal(take('a').ip, '172.25.5.2');
    assert.equal(take('b').ip, '172.25.5.3');
    const again = take('a');
    assert.equal(again.ip, '172.25.5.2');
    assert.equal(again.changed, false);
    assert.equal(take('c').ip, '172.25.5.4');
    const rel = releaseAddress(table, 'b');
    assert.deepEqual(rel.released, ['172.25.5.3']);
    table = rel.table;
    assert.equal(take('d').ip, '172.25.5.3');
    assert.deepEqual(releaseAddress(table, 'nobody').released, []);
  });

  test('a usable free hint is honoured, a taken or foreign one is not', () => {
    let table: AddressTable = new Map();
    const r1 = allocateAddress(subnet, table, holder('a'), '172.25.5.9');
    assert.ok(r1.ok && r1.value.ip === '172.25.5.9');
    table = r1.value.table;
    const r2 = allocateAddress(subnet, table, holder('b'), '172.25.5.9');
    assert.ok(r2.ok && r2.value.ip === '172.25.5.2');
    const r3 = allocateAddress(subnet, table, holder('c'), '10.244.1.5');
    assert.ok(r3.ok && r3.value.ip === '172.25.5.2');
    const r4 = allocateAddress(subnet, table, holder('d'), '172.25.5.1');
    assert.ok(r4.ok && r4.value.ip === '172.25.5.2');
  });

  test('a /30 holds exactly one pod', () => {
    const r1 = allocateAddress('10.0.0.0/30', new Map(), holder('a'));
    assert.ok(r1.ok && r1.value.ip === '10.0.0.2');
    const r2 = allocateAddress('10.0.0.0/30', r1.value.table, holder('b'));
    assert.ok(!r2.ok && r2.error.kind === 'exhausted');
  });

  test('encode/decode round trip, sorted numerically, junk reported', () => {
    const table = new Map([
      ['172.25.5.10', holder('x')],
      ['172.25.5.9', holder('y', 'k8s-node2')],
    ]);
    const data = encodeTable(table);
    assert.deepEqual(Object.keys(data), ['172.25.5.9', '172.25.5.10']);
    const back = decodeTable({ subnet: '172.25.5.0/24', ...data, '172.25.5.11': 'not json' });
    assert.deepEqual([...back.table], [...table].reverse());
    assert.equal(back.problems.length, 1);
  });
});

describe('node-CIDR IPAM (generic)', () => {
  test('allocates from the node block, adopts status addresses on reconcile', async () => {
    let cidr: string | undefined;
    const ipam = new NodeCidrIpam('k8s-node1', () => cidr);
    const none = await ipam.allocate({ uid: 'a', namespace: 'demons', name: 'a' });
    assert.equal(none.kind, 'failed');
    cidr = '10.244.1.0/24';
    // After a restart: two pods already show addresses; a new pod must not take them.
    await ipam.reconcile([
      { uid: 'old1', namespace: 'demons', name: 'old1', hint: '10.244.1.2' },
      { uid: 'old2', namespace: 'demons', name: 'old2', hint: '10.244.1.3' },
    ]);
    const fresh = await ipam.allocate({ uid: 'new', namespace: 'demons', name: 'new' });
    assert.ok(fresh.kind === 'allocated' && fresh.ip === '10.244.1.4' && fresh.gateway === '10.244.1.1');
    const old = await ipam.allocate({ uid: 'old1', namespace: 'demons', name: 'old1', hint: '10.244.1.2' });
    assert.ok(old.kind === 'allocated' && old.ip === '10.244.1.2');
    await ipam.release({ uid: 'old2' });
    await ipam.reconcile([{ uid: 'new', namespace: 'demons', name: 'new' }]);
    assert.deepEqual([...ipam.inUse().keys()], ['10.244.1.4']);
  });
});
