import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { ip } from '../host/testing.js';
import { advance, capture, DNS_IP, makeLab, run, startTestDns, WEB_IP, type Lab } from './_test-lab.js';
import { runCommand } from './shell.js';

const VIP = '10.101.129.209';
const FQDN = 'nsxtestservice.demons.svc.cluster.local';

async function exec(lab: Lab, argv: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  const c = capture();
  const t0 = lab.clock.now();
  const code = await run(lab, runCommand(argv, c.io, lab.client.ctx), 120_000);
  return { code, out: c.out(), err: c.err(), ms: lab.clock.now() - t0 };
}

/**
 * The VIP is reachable only through a gateway that forwards nothing (the DNS pod's stack),
 * so echo requests to it vanish, as ICMP to a ClusterIP does in the article.
 */
function viaSilentGateway(): Lab {
  const lab = makeLab();
  startTestDns(lab.dns.stack, { records: { [FQDN]: VIP } });
  unwrap(lab.client.stack.addDefaultRoute(ip(DNS_IP)));
  return lab;
}

describe('ping (busybox output)', () => {
  test('replies: one line per echo, statistics with round-trip times', async () => {
    const lab = makeLab({ delayMs: 0.25 });
    const r = await exec(lab, ['ping', '-c', '3', WEB_IP]);
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      `PING ${WEB_IP} (${WEB_IP}): 56 data bytes\n` +
        // The first echo waits for ARP (two extra hops).
        `64 bytes from ${WEB_IP}: seq=0 ttl=64 time=1.000 ms\n` +
        `64 bytes from ${WEB_IP}: seq=1 ttl=64 time=0.500 ms\n` +
        `64 bytes from ${WEB_IP}: seq=2 ttl=64 time=0.500 ms\n` +
        '\n' +
        `--- ${WEB_IP} ping statistics ---\n` +
        '3 packets transmitted, 3 packets received, 0% packet loss\n' +
        'round-trip min/avg/max = 0.500/0.666/1.000 ms\n',
    );
    // Sent at 0, 1 s and 2 s; done as soon as the third reply is in (0.5 ms later).
    assert.ok(r.ms > 2000 && r.ms <= 2001, String(r.ms));
  });

  test('a name prints the FQDN it resolved to; no replies: loss summary, exit 1, after -W', async () => {
    const lab = viaSilentGateway();
    const r = await exec(lab, ['ping', '-c', '2', '-W', '3', 'nsxtestservice']);
    assert.equal(r.code, 1);
    assert.equal(r.out, `PING ${FQDN} (${VIP}): 56 data bytes\n\n--- ${FQDN} ping statistics ---\n2 packets transmitted, 0 packets received, 100% packet loss\n`);
    // Two echoes 1 s apart, then -W 3 for the last one.
    assert.equal(r.ms, 4000);
  });

  test('without a terminal and without -c, ping stops after 4 echoes', async () => {
    const lab = makeLab();
    const r = await exec(lab, ['ping', DNS_IP]);
    assert.match(r.out, /4 packets transmitted, 4 packets received, 0% packet loss\n/);
    assert.equal(r.out.split('\n').filter((l) => l.startsWith('64 bytes')).length, 4);
  });

  test('-q, -w deadline, and partial loss', async () => {
    const lab = makeLab({
      // Drop the second echo request to the web pod (ICMP type 8 with seq 1).
      filter: (f) => (f[12] === 8 && f[13] === 0 && f[23] === 1 && f[34] === 8 && f[41] === 1 ? 'drop' : undefined),
    });
    const q = await exec(lab, ['ping', '-q', '-c', '3', WEB_IP]);
    assert.equal(q.code, 0);
    assert.match(q.out, new RegExp(`^PING ${WEB_IP} \\(${WEB_IP}\\): 56 data bytes\\n\\n--- ${WEB_IP} ping statistics ---\\n3 packets transmitted, 2 packets received, 33% packet loss\\nround-trip min/avg/max = `));
    const w = await exec(lab, ['ping', '-w', '2', '-c', '10', WEB_IP]);
    assert.equal(w.ms, 2000);
    // The deadline came before -c 10: exit 1 even though replies came back.
    assert.equal(w.code, 1);
  });

  test('errors: bad address, bad number, no host, no route', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: {} });
    assert.deepEqual(await exec(lab, ['ping', 'nosuch']).then((r) => [r.code, r.err]), [1, "ping: bad address 'nosuch'\n"]);
    assert.deepEqual(await exec(lab, ['ping', VIP]).then((r) => [r.code, r.err]), [1, 'ping: sendto: Network is unreachable\n']);
    assert.deepEqual(await exec(lab, ['ping', '-c', 'x', WEB_IP]).then((r) => [r.code, r.err]), [1, "ping: invalid number 'x'\n"]);
    assert.equal(await exec(lab, ['ping']).then((r) => r.code), 1);
  });

  test('with a terminal it runs until Ctrl-C; the statistics follow the echoed ^C (the article)', async () => {
    const lab = viaSilentGateway();
    const c = capture();
    const done = runCommand(['ping', 'nsxtestservice'], c.io, lab.client.ctx, { tty: true });
    await advance(lab, 8500);
    assert.equal(c.out(), `PING ${FQDN} (${VIP}): 56 data bytes\r\n`);
    c.io.stdin.write('\x03');
    const code = await run(lab, done, 100);
    assert.equal(code, 1);
    assert.equal(c.out(), `PING ${FQDN} (${VIP}): 56 data bytes\r\n^C--- ${FQDN} ping statistics ---\r\n9 packets transmitted, 0 packets received, 100% packet loss\r\n`);
  });
});
