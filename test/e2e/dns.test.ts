// Cluster DNS with the real tools against `svcnet up`: dig on the host port (A, SRV on a
// named port, NXDOMAIN with the SOA), busybox nslookup from a pod through the search list
// and the kube-dns VIP, and CoreDNS's metrics on each coredns pod's :9153 and on the host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startLab, type LabProcess } from '../helpers/lab-process.js';

let lab: LabProcess;
const NS = 'demons';
const ZONE = 'cluster.local';
const FQDN = `nsxtestservice.${NS}.svc.${ZONE}`;

function ok(args: readonly string[], opts?: Parameters<LabProcess['kubectl']>[1]): string {
  const r = lab.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function eventually(what: string, fn: () => boolean | string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  let last: boolean | string = false;
  while (Date.now() - t0 < timeoutMs) {
    last = fn();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`timed out waiting for ${what}${typeof last === 'string' ? `:\n${last}` : ''}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** /usr/bin/dig against the lab's host DNS port (loopback only). */
function dig(args: readonly string[]): string {
  const [host = '', port = ''] = [lab.dns.slice(0, lab.dns.lastIndexOf(':')), lab.dns.slice(lab.dns.lastIndexOf(':') + 1)];
  assert.equal(host, '127.0.0.1');
  const r = spawnSync('dig', [`@${host}`, '-p', port, '+time=2', '+tries=1', ...args], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, `dig ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nsxtestservice', namespace: NS },
  spec: { selector: { app: 'nsxtestapp' }, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] },
};

describe('cluster DNS with dig, nslookup and curl against svcnet up', { timeout: 300_000 }, () => {
  let vip = '';
  let client = '';
  let coredns: string[] = [];

  before(async () => {
    lab = await startLab();
    ok(['create', 'namespace', NS]);
    ok(['create', 'deployment', 'nsxtestapp', '--image=dumlutimuralp/nsx-demo', '--replicas=2', '-n', NS]);
    ok(['create', 'deployment', 'nwtest', '--image=dumlutimuralp/networktest', '-n', NS]);
    ok(['create', '-f', '-'], { input: JSON.stringify(service) });
    await eventually('deployments 2/2 and 1/1, coredns 2/2', () => {
      const out = ok(['get', 'deployments', '-A', '--no-headers']);
      return (/^demons\s+nsxtestapp\s+2\/2\s/m.test(out) && /^demons\s+nwtest\s+1\/1\s/m.test(out) && /^kube-system\s+coredns\s+2\/2\s/m.test(out)) || out;
    });
    vip = ok(['get', 'service', 'nsxtestservice', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']).trim();
    assert.match(vip, /^\d+\.\d+\.\d+\.\d+$/);
    client = ok(['get', 'pods', '-n', NS, '-l', 'app=nwtest', '-o', 'jsonpath={.items[0].metadata.name}']).trim();
    assert.notEqual(client, '');
    coredns = ok(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].status.podIP}']).split(' ').filter((x) => x !== '');
    assert.equal(coredns.length, 2);
    // The DNS informers trail the API by a watch event; wait until the name answers.
    await eventually('the Service in DNS', () => dig([FQDN, '+short']).trim() === vip || dig([FQDN]));
  });
  after(async () => {
    await lab?.stop();
  });

  const exec = (cmd: readonly string[]) => lab.kubectl(['exec', '-n', NS, client, '--', ...cmd], { timeoutMs: 30_000 });

  test('dig A: the ClusterIP', () => {
    assert.equal(dig([FQDN, '+short']), `${vip}\n`);
    const full = dig([FQDN]);
    assert.match(full, /status: NOERROR/);
    assert.match(full, /flags: qr aa rd ra;/);
    assert.match(full, new RegExp(`^${esc(FQDN)}\\.\\s+5\\s+IN\\s+A\\s+${esc(vip)}$`, 'm'));
  });

  test('dig SRV on the named port: the service name as target, its address in additional', () => {
    assert.equal(dig([`_http._tcp.${FQDN}`, 'SRV', '+short']), `0 100 80 ${FQDN}.\n`);
    const full = dig([`_http._tcp.${FQDN}`, 'SRV']);
    assert.match(full, new RegExp(`^${esc(FQDN)}\\.\\s+5\\s+IN\\s+A\\s+${esc(vip)}$`, 'm'), 'target address in the additional section');
    // A port name the Service does not have: NXDOMAIN.
    assert.match(dig([`_https._tcp.${FQDN}`, 'SRV']), /status: NXDOMAIN/);
  });

  test('dig for a missing name: NXDOMAIN with the zone SOA in authority', () => {
    const out = dig([`missing.${NS}.svc.${ZONE}`]);
    assert.match(out, /status: NXDOMAIN/);
    assert.match(out, /ANSWER: 0, AUTHORITY: 1,/);
    assert.match(out, new RegExp(`^${esc(ZONE)}\\.\\s+5\\s+IN\\s+SOA\\s+ns\\.dns\\.${esc(ZONE)}\\. hostmaster\\.${esc(ZONE)}\\. \\d+ 7200 1800 86400 5$`, 'm'));
  });

  test('nslookup from the networktest pod: the short name through the search list and the kube-dns VIP', () => {
    const r = exec(['nslookup', 'nsxtestservice']);
    // busybox nslookup sends every search-list candidate and reports the other two
    // (nsxtestservice.svc.cluster.local, nsxtestservice.cluster.local) as NXDOMAIN, exiting 1;
    // what matters is the answer for the first candidate.
    assert.match(r.stdout, new RegExp(`server can't find nsxtestservice\\.svc\\.${esc(ZONE)}: NXDOMAIN`), `${r.stderr}${r.stdout}`);
    assert.match(r.stdout, /^Server:\s+10\.96\.0\.10$/m);
    assert.match(r.stdout, new RegExp(`^Name:\\s+${esc(FQDN)}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^Address: ${esc(vip)}$`, 'm'));
  });

  test('curl <coredns pod IP>:9153/metrics from a pod: CoreDNS metric names', () => {
    for (const ip of coredns) {
      const r = exec(['curl', '-s', '-i', '--max-time', '5', `${ip}:9153/metrics`]);
      assert.equal(r.code, 0, `${ip}: ${r.stderr}${r.stdout}`);
      assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r$/m);
      assert.match(r.stdout, /^Content-Type: text\/plain; version=0\.0\.4/im);
      assert.match(r.stdout, /^Connection: close\r$/im);
      assert.match(r.stdout, /^# TYPE coredns_dns_requests_total counter$/m);
      assert.match(r.stdout, /^coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="A"[^}]*\} [1-9]\d*$/m, 'the queries so far are counted');
      assert.match(r.stdout, /^coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN"[^}]*\} [1-9]\d*$/m);
    }
    const notFound = exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `${coredns[0] ?? ''}:9153/`]);
    assert.equal(notFound.stdout, '404');
  });

  test('the host metrics port serves the same names', async () => {
    const res = await fetch(`http://${lab.dnsMetrics}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ['coredns_dns_requests_total', 'coredns_dns_responses_total', 'coredns_dns_request_duration_seconds', 'coredns_cache_hits_total', 'coredns_cache_misses_total']) {
      assert.match(text, new RegExp(`^# TYPE ${name} (counter|histogram)$`, 'm'), name);
    }
    assert.match(text, /^coredns_dns_requests_total\{[^}]*proto="udp"[^}]*type="SRV"[^}]*\} [1-9]\d*$/m);
  });
});
