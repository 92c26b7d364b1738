// The article's generic-Kubernetes paths with the real kubectl against
// `svcnet up --proxy-mode nftables|iptables`: pods get addresses from their node's
// podCIDR, curl through a ClusterIP reaches both pods (DNAT on the client's node), the
// external client reaches a NodePort on any node and the pod sees the node's address
// (SNAT), or the client's own with externalTrafficPolicy Local, and the node's ruleset
// shows kube-proxy's layout with live counters. One file per mode runs this.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type LabProcess } from '../helpers/lab-process.js';
import { httpGet } from '../helpers/http-get.js';
import { writeManifests } from './_article-manifests.js';

const NS = 'demons';

interface PodInfo {
  readonly name: string;
  readonly ip: string;
  readonly node: string;
}

export function kubeProxyWalkthrough(mode: 'nftables' | 'iptables'): void {
  let lab: LabProcess;
  const ok = (args: readonly string[]): string => {
    const r = lab.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const eventually = async (what: string, fn: () => boolean | string, timeoutMs = 60_000): Promise<void> => {
    const t0 = Date.now();
    let last: boolean | string = false;
    while (Date.now() - t0 < timeoutMs) {
      last = fn();
      if (last === true) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.fail(`timed out waiting for ${what}${typeof last === 'string' ? `:\n${last}` : ''}`);
  };
  const pods = (app: string): PodInfo[] =>
    ok(['get', 'pods', '-n', NS, '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.podIP} {.spec.nodeName}{"\\n"}{end}'])
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [name = '', ip = '', node = ''] = l.split(' ');
        return { name, ip, node };
      });
  const servedBy = (out: string) => /Hello, this web-page is served by: (\S+)/.exec(out)?.[1];
  const NODE_IPS: Record<string, string> = { 'k8s-master': '10.190.5.10', 'k8s-node1': '10.190.5.11', 'k8s-node2': '10.190.5.12' };

  describe(`generic Kubernetes with kube-proxy in ${mode} mode (svcnet up --proxy-mode ${mode})`, { timeout: 300_000 }, () => {
    let apps: PodInfo[] = [];
    let client: PodInfo | undefined;
    let vip = '';
    let nodePort = 0;

    before(async () => {
      lab = await startLab({ extraArgs: ['--proxy-mode', mode] });
      ok(['create', 'namespace', NS]);
      ok(['create', 'deployment', 'nsxtestapp', '--image=dumlutimuralp/nsx-demo', '--replicas=2', '-n', NS]);
      ok(['create', 'deployment', 'nwtest', '--image=dumlutimuralp/networktest', '-n', NS]);
      ok(['expose', 'deployment', 'nsxtestapp', '--name=nsxtestservice', '--port=80', '--type=NodePort', '-n', NS]);
      await eventually('deployments ready and both pods in the endpoints', () => {
        apps = pods('nsxtestapp');
        const eps = ok(['get', 'endpoints', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter((x) => x !== '');
        const d = ok(['get', 'deployments', '-n', NS, '--no-headers']);
        return (/^nwtest\s+1\/1\s/m.test(d) && apps.length === 2 && apps.every((p) => eps.includes(p.ip))) || `${d}\nendpoints ${eps.join(',')}`;
      });
      client = pods('nwtest')[0];
      vip = ok(['get', 'service', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
      nodePort = Number(ok(['get', 'service', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.spec.ports[0].nodePort}']));
      assert.ok(client !== undefined);
      assert.ok(nodePort >= 30000 && nodePort <= 32767, String(nodePort));
    });
    after(async () => {
      await lab?.stop();
    });

    test("nodes carry podCIDRs and pods get addresses from their node's block", () => {
      const cidrs = ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}']);
      assert.match(cidrs, /^k8s-master=10\.244\.0\.0\/24$/m);
      assert.match(cidrs, /^k8s-node1=10\.244\.1\.0\/24$/m);
      assert.match(cidrs, /^k8s-node2=10\.244\.2\.0\/24$/m);
      for (const p of [...apps, client!]) {
        const n = /^k8s-node(\d)$/.exec(p.node)?.[1];
        assert.ok(n !== undefined, `${p.name} on ${p.node}`);
        assert.ok(p.ip.startsWith(`10.244.${n}.`), `${p.name} ${p.ip} on ${p.node}`);
      }
    });

    test('curl through the ClusterIP from a pod: every request answered, both pods serve', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 8 || (seen.size < 2 && i < 32); i++) {
        const r = lab.kubectl(['exec', '-n', NS, client!.name, '--', 'curl', '-s', '--max-time', '5', vip], { timeoutMs: 30_000 });
        assert.equal(r.code, 0, `request ${i}: ${r.stderr}${r.stdout}`);
        const by = servedBy(r.stdout);
        assert.ok(by !== undefined, r.stdout);
        seen.add(by);
      }
      assert.deepEqual([...seen].sort(), apps.map((p) => p.name).sort());
    });

    test('the external client reaches the NodePort on every node; the pod sees a node address (SNAT), not the client', () => {
      for (const [node, ip] of Object.entries(NODE_IPS)) {
        const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '5', `http://${ip}:${nodePort}`]);
        assert.equal(r.code, 0, `NodePort on ${node}: ${r.stderr}${r.stdout}`);
        const by = servedBy(r.stdout);
        const pod = apps.find((p) => p.name === by);
        assert.ok(pod !== undefined, r.stdout);
        const last = ok(['logs', '-n', NS, pod.name, '--tail=1']);
        // The masquerade source is the out interface's address: the node IP when the pod is on
        // another node, the pod gateway 10.244.N.1 when it is on the node that was reached.
        const src = last.split(' ')[0] ?? '';
        assert.notEqual(src, '192.168.50.10', `SNAT expected: ${last}`);
        assert.ok(Object.values(NODE_IPS).includes(src) || /^10\.244\.\d\.1$/.test(src), `source ${src}: ${last}`);
      }
    });

    test('externalTrafficPolicy Local: the pod sees the client address; a node without a local pod drops', async () => {
      ok(['patch', 'service', 'nsxtestservice', '-n', NS, '--type=merge', '-p', '{"spec":{"externalTrafficPolicy":"Local"}}']);
      const withPod = apps[0]!;
      const without = Object.keys(NODE_IPS).find((n) => !apps.some((p) => p.node === n))!;
      let out = '';
      await eventually('the Local NodePort answers from the node with the pod', () => {
        const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '3', `http://${NODE_IPS[withPod.node]}:${nodePort}`]);
        out = r.stdout;
        return r.code === 0 || `${r.code} ${r.stderr}`;
      });
      const by = apps.find((p) => p.name === servedBy(out));
      assert.equal(by?.node, withPod.node, 'only local endpoints');
      const last = ok(['logs', '-n', NS, by!.name, '--tail=1']);
      assert.equal(last.split(' ')[0], '192.168.50.10', last);
      const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '2', `http://${NODE_IPS[without]}:${nodePort}`]);
      assert.equal(r.code, 28, `a node without a local endpoint drops: ${r.stderr}${r.stdout}`);
      ok(['patch', 'service', 'nsxtestservice', '-n', NS, '--type=merge', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}']);
    });

    test('LoadBalancer: the external load balancer on the edge sends the VIP to NodeIP:NodePort; kube-proxy SNATs; the VIP and NodePort are on 127.0.0.1 ports', async () => {
      ok(['create', '-f', writeManifests().lb, '-n', NS]);
      ok(['patch', 'service', 'nsxdemoservice', '-n', NS, '--type=merge', '-p', '{"spec":{"selector":{"app":"nsxtestapp"}}}']);
      let lbVip = '';
      await eventually('a VIP for nsxdemoservice', () => {
        lbVip = ok(['get', 'service', 'nsxdemoservice', '-n', NS, '-o', 'jsonpath={.status.loadBalancer.ingress[*].ip}']).trim();
        return /^10\.190\.6\.\d+$/.test(lbVip) || `ingress "${lbVip}"`;
      });
      const np = ok(['get', 'service', 'nsxdemoservice', '-n', NS, '-o', 'jsonpath={.spec.ports[0].nodePort}']).trim();
      assert.match(ok(['get', 'service', 'nsxdemoservice', '-n', NS]), new RegExp(`^nsxdemoservice\\s+LoadBalancer\\s+\\S+\\s+${lbVip.replace(/\./g, '\\.')}\\s+80:${np}/TCP`, 'm'));
      const seen = new Set<string>();
      let body = '';
      await eventually('the VIP answers from the external client', () => {
        const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '3', `http://${lbVip}`]);
        body = r.stdout;
        return r.code === 0 || `${r.code} ${r.stderr}`;
      });
      seen.add(servedBy(body) ?? '');
      for (let i = 0; i < 6; i++) {
        const r = lab.svcnet(['exec', 'client', '--', 'curl', '-s', '--max-time', '5', `http://${lbVip}`]);
        assert.equal(r.code, 0, `${r.stderr}${r.stdout}`);
        seen.add(servedBy(r.stdout) ?? '');
      }
      assert.deepEqual([...seen].sort(), apps.map((p) => p.name).sort(), 'both pods serve the VIP');
      const pools = lab.svcnet(['lb', 'get', 'pools']).stdout;
      for (const ip of Object.values(NODE_IPS)) assert.match(pools, new RegExp(`${lbVip.replace(/\./g, '\\.')}:80\\s+${ip.replace(/\./g, '\\.')}:${np}\\s`), pools);
      // The pod sees a node (kube-proxy's SNAT on the NodePort path), never the client or the LB.
      for (const p of apps) {
        const src = ok(['logs', '-n', NS, p.name, '--tail=1']).split(' ')[0] ?? '';
        assert.ok(Object.values(NODE_IPS).includes(src) || /^10\.244\.\d\.1$/.test(src), `${p.name} saw ${src}`);
      }
      const st = lab.svcnet(['status']).stdout;
      for (const re of [new RegExp(`port 80 -> (http://127\\.0\\.0\\.1:\\d+) \\(VIP ${lbVip.replace(/\./g, '\\.')}:80\\)`), new RegExp(`port 80 -> (http://127\\.0\\.0\\.1:\\d+) \\(NodePort 10\\.190\\.5\\.\\d+:${np}\\)`)]) {
        const m = re.exec(st);
        assert.ok(m !== null, st);
        const r = await httpGet(m[1]!);
        assert.equal(r.code, 200);
        assert.ok(apps.some((p) => p.name === servedBy(r.body)), r.body);
      }
      ok(['delete', 'service', 'nsxdemoservice', '-n', NS]);
    });

    test("the client's node shows kube-proxy's program for the Service, with live counters", () => {
      const node = client!.node;
      if (mode === 'nftables') {
        const r = lab.svcnet(['nft', 'list', 'ruleset', node]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^table ip kube-proxy \{$/m);
        assert.match(r.stdout, new RegExp(`${vip.replace(/\./g, '\\.')} \\. tcp \\. 80 : goto service-[A-Z2-7]{8}-demons/nsxtestservice/tcp/`));
        assert.match(r.stdout, new RegExp(`tcp \\. ${nodePort} : goto external-[A-Z2-7]{8}-demons/nsxtestservice/tcp/`));
        // The lab renders `counter` on the DNAT rules: the curls above show up there.
        let hits = 0;
        for (const p of apps) {
          const m = new RegExp(`meta l4proto tcp counter packets (\\d+) bytes \\d+ dnat to ${p.ip.replace(/\./g, '\\.')}:80`).exec(r.stdout);
          assert.ok(m !== null, r.stdout);
          hits += Number(m[1]);
        }
        assert.ok(hits >= 8, `the endpoint DNAT rules counted the connections: ${hits}`);
      } else {
        const r = lab.svcnet(['iptables-save', node]);
        assert.equal(r.code, 0, r.stderr);
        // iptables-save's framing: each table between its "Generated by" and "Completed on" stamps.
        assert.match(r.stdout, /^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\*nat$/m);
        assert.match(r.stdout, /^COMMIT\n# Completed on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/m);
        assert.match(r.stdout, new RegExp(`^\\[\\d+:\\d+\\] -A KUBE-SERVICES -d ${vip.replace(/\./g, '\\.')}/32 -p tcp -m comment --comment "demons/nsxtestservice cluster IP" -m tcp --dport 80 -j KUBE-SVC-`, 'm'));
        // KUBE-SERVICES is rewritten on every sync (its counters restart, as with kube-proxy's
        // restores); the endpoints' KUBE-SEP chains did not change since the curls, so their
        // DNAT rules still hold the count.
        let hits = 0;
        for (const p of apps) {
          const m = new RegExp(`^\\[(\\d+):\\d+\\] -A KUBE-SEP-\\w+ -p tcp -m comment --comment "?demons/nsxtestservice"? -m tcp -j DNAT --to-destination ${p.ip.replace(/\./g, '\\.')}:80$`, 'm').exec(r.stdout);
          assert.ok(m !== null, r.stdout);
          hits += Number(m[1]);
        }
        assert.ok(hits >= 8, `the endpoints' DNAT rules counted the connections: ${hits}`);
        for (const p of apps) assert.match(r.stdout, new RegExp(`-j DNAT --to-destination ${p.ip.replace(/\./g, '\\.')}:80`));
      }
      const ct = lab.svcnet(['conntrack', '-L', node]);
      assert.equal(ct.code, 0, ct.stderr);
      assert.match(ct.stdout, new RegExp(`dst=${vip.replace(/\./g, '\\.')} sport=\\d+ dport=80 src=10\\.244\\.`));
      assert.match(lab.svcnet(['ofctl', 'dump-flows', node]).stderr, /no view "dump-flows" in this lab/);
    });
  });
}
