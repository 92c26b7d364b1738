import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capture, DNS_IP, makeLab, run, startTestDns, type Lab } from './_test-lab.js';
import { formatRecordLine } from './dig.js';
import { runCommand } from './shell.js';

const VIP = '10.101.129.209';
const FQDN = 'nsxtestservice.demons.svc.cluster.local';

async function exec(lab: Lab, argv: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  const c = capture();
  const t0 = lab.clock.now();
  const code = await run(lab, runCommand(argv, c.io, lab.client.ctx), 120_000);
  return { code, out: c.out(), err: c.err(), ms: lab.clock.now() - t0 };
}

describe('nslookup (busybox)', () => {
  test('a short name is asked with every search domain; replies print as they come', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
    const r = await exec(lab, ['nslookup', 'nsxtestservice']);
    assert.equal(
      r.out,
      `Server:\t\t${DNS_IP}\nAddress:\t${DNS_IP}:53\n\n` +
        `Name:\t${FQDN}\nAddress: ${VIP}\n\n` +
        `** server can't find nsxtestservice.svc.cluster.local: NXDOMAIN\n\n` +
        `** server can't find nsxtestservice.cluster.local: NXDOMAIN\n\n`,
    );
    // busybox exits 1 when any of its queries failed.
    assert.equal(r.code, 1);
    assert.deepEqual(dns.queries, [FQDN, 'nsxtestservice.svc.cluster.local', 'nsxtestservice.cluster.local']);
  });

  test('a name with a dot is asked as-is only', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
    const ok = await exec(lab, ['nslookup', FQDN]);
    assert.deepEqual([ok.code, ok.out], [0, `Server:\t\t${DNS_IP}\nAddress:\t${DNS_IP}:53\n\nName:\t${FQDN}\nAddress: ${VIP}\n\n`]);
    const nx = await exec(lab, ['nslookup', 'nsxtestservice.demons']);
    assert.deepEqual([nx.code, nx.out], [1, `Server:\t\t${DNS_IP}\nAddress:\t${DNS_IP}:53\n\n** server can't find nsxtestservice.demons: NXDOMAIN\n\n`]);
  });

  test('a dead server: resent at 2.5 s, given up at 5 s, never answered by anyone else', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { [FQDN]: VIP }, silent: true });
    const r = await exec(lab, ['nslookup', FQDN]);
    assert.deepEqual([r.code, r.out, r.ms], [1, ';; connection timed out; no servers could be reached\n\n', 5000]);
    assert.equal(dns.queries.length, 2);
  });

  test('an explicit server and a port-unreachable one', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
    const r = await exec(lab, ['nslookup', FQDN, DNS_IP]);
    assert.match(r.out, new RegExp(`^Server:\\t\\t${DNS_IP}\\nAddress:\\t${DNS_IP}:53\\n\\nName:\\t${FQDN}\\nAddress: ${VIP}\\n\\n$`));
    const refused = await exec(lab, ['nslookup', FQDN, '172.25.5.3']);
    assert.equal(refused.out, ';; connection timed out; no servers could be reached\n\n');
    assert.match(refused.err, /^nslookup: read: Connection refused\n/);
    assert.equal(refused.code, 1);
  });

  test('usage', async () => {
    const lab = makeLab();
    const r = await exec(lab, ['nslookup']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Usage: nslookup \[-type=QUERY_TYPE\] \[-debug\] HOST \[DNS_SERVER\]/);
  });
});

describe('dig', () => {
  test('full output for an answer', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
    const r = await exec(lab, ['dig', FQDN]);
    assert.equal(r.code, 0);
    const out = r.out.replace(/id: \d+/, 'id: ID');
    assert.equal(
      out,
      `\n; <<>> DiG 9.16.48 <<>> ${FQDN}\n` +
        ';; global options: +cmd\n' +
        ';; Got answer:\n' +
        ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ID\n' +
        ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n' +
        ';; WARNING: recursion requested but not available\n' +
        '\n' +
        ';; QUESTION SECTION:\n' +
        `;${FQDN}.\tIN\tA\n` +
        '\n' +
        ';; ANSWER SECTION:\n' +
        `${FQDN}.\t5\tIN\tA\t${VIP}\n` +
        '\n' +
        ';; Query time: 0 msec\n' +
        `;; SERVER: ${DNS_IP}#53(${DNS_IP})\n` +
        ';; WHEN: Thu Nov 26 05:00:00 UTC 2026\n' +
        ';; MSG SIZE  rcvd: 112\n\n', // dns-packet does not compress names
    );
  });

  test('+short, @server, -p, NXDOMAIN with its SOA, +search', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
    assert.deepEqual(await exec(lab, ['dig', '+short', FQDN]).then((r) => [r.code, r.out]), [0, `${VIP}\n`]);
    const at = await exec(lab, ['dig', `@${DNS_IP}`, '-p', '53', FQDN, 'A']);
    assert.match(at.out, new RegExp(`^\\n; <<>> DiG 9\\.16\\.48 <<>> @${DNS_IP} -p 53 ${FQDN} A\\n; \\(1 server found\\)\\n;; global options: \\+cmd\\n`));
    const nx = await exec(lab, ['dig', 'nosuch.demons.svc.cluster.local']);
    assert.equal(nx.code, 0);
    assert.match(nx.out, /status: NXDOMAIN/);
    assert.match(nx.out, /;; AUTHORITY SECTION:\ncluster\.local\.\t\t5\tIN\tSOA\tns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. 1767225600 7200 1800 86400 5\n/);
    assert.equal(await exec(lab, ['dig', '+short', 'nsxtestservice']).then((r) => r.out), '');
    assert.equal(await exec(lab, ['dig', '+short', '+search', 'nsxtestservice']).then((r) => r.out), `${VIP}\n`);
    assert.equal(await exec(lab, ['dig', '+noall', '+answer', FQDN]).then((r) => r.out), `${FQDN}.\t5\tIN\tA\t${VIP}\n`);
  });

  test('a dead server: 3 tries of 5 s, then "no servers could be reached", exit 9', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { [FQDN]: VIP }, silent: true });
    const r = await exec(lab, ['dig', `@${DNS_IP}`, FQDN]);
    assert.equal(r.code, 9);
    assert.equal(r.out, `\n; <<>> DiG 9.16.48 <<>> @${DNS_IP} ${FQDN}\n; (1 server found)\n;; global options: +cmd\n;; connection timed out; no servers could be reached\n`);
    assert.equal(r.ms, 15_000);
    assert.equal(dns.queries.length, 3);
    const short = await exec(lab, ['dig', '+short', '+time=1', '+tries=1', FQDN]);
    assert.deepEqual([short.code, short.out, short.ms], [9, ';; connection timed out; no servers could be reached\n', 1000]);
  });

  test('truncated over UDP: retried over TCP and said so', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: { [FQDN]: VIP }, truncate: [FQDN] });
    const r = await exec(lab, ['dig', FQDN]);
    assert.match(r.out, /^;; Truncated, retrying in TCP mode\.\n\n; <<>> DiG/);
    assert.match(r.out, /;; ANSWER SECTION:\n/);
    assert.deepEqual(dns.tcpQueries, [FQDN]);
    const tcp = await exec(lab, ['dig', '+tcp', '+short', FQDN]);
    assert.equal(tcp.out, `${VIP}\n`);
  });

  test('record lines use dig\'s tab columns', () => {
    assert.equal(formatRecordLine({ name: 'google.com', type: 'A', class: 'IN', ttl: 300, rdata: '142.250.72.14' }), 'google.com.\t\t300\tIN\tA\t142.250.72.14');
    assert.equal(formatRecordLine({ name: FQDN, type: 'A', class: 'IN', ttl: 5, rdata: VIP }), `${FQDN}.\t5\tIN\tA\t${VIP}`);
  });

  test('bad options', async () => {
    const lab = makeLab();
    const r = await exec(lab, ['dig', '+bogus', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^Invalid option: \+bogus\n/);
  });
});
