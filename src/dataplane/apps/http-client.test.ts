import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { capture, DNS_IP, makeLab, run, startTestDns, WEB_IP, WEB_POD, type Lab } from './_test-lab.js';
import { startDemoWeb } from './demo-web.js';
import { parseUrl } from './http-client.js';
import { runCommand } from './shell.js';

async function curlFrom(lab: Lab, args: string[]): Promise<{ code: number; out: string; err: string; ms: number }> {
  const c = capture();
  const t0 = lab.clock.now();
  const code = await run(lab, runCommand(['curl', ...args], c.io, lab.client.ctx), 400_000);
  return { code, out: c.out(), err: c.err(), ms: lab.clock.now() - t0 };
}

/** Drops every frame of the given IP protocol / TCP destination port heading for `dstIp` (a firewall DROP). */
function dropTo(dstIp: string, port?: number): (f: Uint8Array) => 'drop' | undefined {
  const want = dstIp.split('.').map(Number);
  return (f) => {
    if (f[12] !== 0x08 || f[13] !== 0x00) return undefined;
    if (f[30] !== want[0] || f[31] !== want[1] || f[32] !== want[2] || f[33] !== want[3]) return undefined;
    if (port === undefined) return 'drop';
    const ihl = (f[14]! & 0x0f) * 4;
    return f[23] === 6 && ((f[14 + ihl + 2]! << 8) | f[14 + ihl + 3]!) === port ? 'drop' : undefined;
  };
}

describe('curl', () => {
  test('resolves a service name through the search list and prints the page', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { 'nsxtestservice.demons.svc.cluster.local': WEB_IP } });
    unwrap(startDemoWeb(lab.web.ctx));
    const r = await curlFrom(lab, ['nsxtestservice']);
    assert.equal(r.code, 0);
    assert.match(r.out, new RegExp(`^Hello, this web-page is served by: ${WEB_POD}$`, 'm'));
    assert.match(r.out, new RegExp(`^The containers private IP is: ${WEB_IP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(lab.web.logs[0]!, /"GET \/ HTTP\/1\.1" 200 \d+ "-" "curl\/7\.88\.1"$/);
  });

  test('a closed port: exit 7 with curl\'s message; -s hides it, -sS shows it', async () => {
    const lab = makeLab({ delayMs: 0.5 });
    const r = await curlFrom(lab, [`${WEB_IP}:8080`]);
    assert.equal(r.code, 7);
    // ARP request + reply, SYN + RST: four 0.5 ms hops.
    assert.equal(r.err, `curl: (7) Failed to connect to ${WEB_IP} port 8080 after 2 ms: Connection refused\n`);
    assert.equal(r.out, '');
    const silent = await curlFrom(lab, ['-s', `http://${WEB_IP}:8080/`]);
    assert.deepEqual([silent.code, silent.err], [7, '']);
    const shown = await curlFrom(lab, ['-sS', `http://${WEB_IP}:8080/`]);
    assert.equal(shown.err, `curl: (7) Failed to connect to ${WEB_IP} port 8080 after 1 ms: Connection refused\n`);
  });

  test('SYNs that vanish: --max-time ends it with exit 28 after 5001 ms', async () => {
    const lab = makeLab({ filter: dropTo(DNS_IP, 80) });
    const r = await curlFrom(lab, ['--max-time', '5', `http://${DNS_IP}/`]);
    assert.equal(r.code, 28);
    assert.equal(r.err, 'curl: (28) Connection timed out after 5001 milliseconds\n');
    assert.equal(r.ms, 5001);
    const short = await curlFrom(lab, ['-m', '2', '--connect-timeout', '1', DNS_IP]);
    assert.equal(short.err, 'curl: (28) Connection timed out after 1001 milliseconds\n');
  });

  test('an address nobody answers ARP for: No route to host after the 3 s of ARP', async () => {
    const lab = makeLab();
    const r = await curlFrom(lab, ['172.25.5.99']);
    assert.equal(r.code, 7);
    assert.equal(r.err, 'curl: (7) Failed to connect to 172.25.5.99 port 80 after 3000 ms: No route to host\n');
  });

  test('a server that stops answering mid-response: exit 28 with the bytes received', async () => {
    const lab = makeLab();
    unwrap(
      lab.web.stack.listen(80, (s) => {
        s.onData(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'));
      }),
    );
    const r = await curlFrom(lab, ['-m', '3', WEB_IP]);
    assert.equal(r.code, 28);
    assert.equal(r.err, 'curl: (28) Operation timed out after 3001 milliseconds with 10 out of 100 bytes received\n');
  });

  test('a DNS server that never answers: exit 28 while resolving under --max-time, else exit 6 after 2 x 5 s', async () => {
    const lab = makeLab();
    const dns = startTestDns(lab.dns.stack, { records: {}, silent: true });
    const r = await curlFrom(lab, ['-m', '2', 'nsxtestservice']);
    assert.deepEqual([r.code, r.err], [28, 'curl: (28) Resolving timed out after 2001 milliseconds\n']);
    const slow = await curlFrom(lab, ['nsxtestservice']);
    assert.deepEqual([slow.code, slow.err, slow.ms], [6, 'curl: (6) Could not resolve host: nsxtestservice\n', 10_000]);
    // The first lookup stopped at its deadline: one query, then two for the second curl.
    assert.equal(dns.queries.length, 3);
  });

  test('unknown names: exit 6', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: {} });
    const r = await curlFrom(lab, ['http://nosuch/']);
    assert.deepEqual([r.code, r.err], [6, 'curl: (6) Could not resolve host: nosuch\n']);
  });

  test('empty reply (52), reset (56), truncated body (18), not HTTP (1)', async () => {
    const lab = makeLab();
    const behaviours: Record<number, (s: import('../host/index.js').TcpSocket) => void> = {
      81: (s) => s.onData(() => s.end()),
      82: (s) => s.onData(() => s.destroy()),
      83: (s) => s.onData(() => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')),
      84: (s) => s.onData(() => s.end('SSH-2.0-OpenSSH_9.6\r\n')),
    };
    for (const [port, fn] of Object.entries(behaviours)) unwrap(lab.web.stack.listen(Number(port), fn));
    const results = [];
    for (const port of [81, 82, 83, 84]) {
      const r = await curlFrom(lab, [`${WEB_IP}:${port}`]);
      results.push(`${r.code} ${r.err.trim()}`);
    }
    assert.deepEqual(results, [
      '52 curl: (52) Empty reply from server',
      '56 curl: (56) Recv failure: Connection reset by peer',
      '18 curl: (18) transfer closed with 7 bytes remaining to read',
      '1 curl: (1) Received HTTP/0.9 when not allowed',
    ]);
  });

  test('-i, -I, -v, -o, -w, -f and -H', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const inc = await curlFrom(lab, ['-i', WEB_IP]);
    assert.match(inc.out, /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.25\.3\r\n[^]*\r\n\r\n<!DOCTYPE html>/);
    const head = await curlFrom(lab, ['-I', WEB_IP]);
    assert.match(head.out, /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: \d+\r\n[^]*\r\n\r\n$/);
    assert.match(lab.web.logs[1]!, /"HEAD \/ HTTP\/1\.1" 200 0 /);
    const v = await curlFrom(lab, ['-v', '-s', '-o', '/dev/null', '-H', 'X-Probe: 1', '-H', 'User-Agent:', `${WEB_IP}/index.html`]);
    assert.equal(v.out, '');
    assert.equal(
      v.err.split('\n').slice(0, 8).join('\n'),
      [`*   Trying ${WEB_IP}:80...`, `* Connected to ${WEB_IP} (${WEB_IP}) port 80 (#0)`, '> GET /index.html HTTP/1.1', `> Host: ${WEB_IP}`, '> Accept: */*', '> X-Probe: 1', '> ', '< HTTP/1.1 200 OK'].join('\n'),
    );
    assert.match(v.err, new RegExp(`\\* Connection #0 to host ${WEB_IP.replace(/\./g, '\\.')} left intact\\n$`));
    assert.match(lab.web.logs[2]!, /"GET \/index\.html HTTP\/1\.1" 200 \d+ "-" "-"$/);
    const w = await curlFrom(lab, ['-s', '-o', '/dev/null', '-w', '%{http_code} %{remote_ip}\\n', `${WEB_IP}/missing`]);
    assert.equal(w.out, `404 ${WEB_IP}\n`);
    const f = await curlFrom(lab, ['-f', `${WEB_IP}/missing`]);
    assert.deepEqual([f.code, f.out, f.err], [22, '', 'curl: (22) The requested URL returned error: 404\n']);
  });

  test('usage errors', async () => {
    const lab = makeLab();
    assert.deepEqual(await curlFrom(lab, []).then((r) => [r.code, r.err]), [2, "curl: try 'curl --help' or 'curl --manual' for more information\n"]);
    assert.deepEqual(await curlFrom(lab, ['https://x/']).then((r) => [r.code, r.err]), [1, 'curl: (1) Protocol "https" not supported or disabled in libcurl\n']);
    assert.deepEqual(await curlFrom(lab, ['http://x:99999/']).then((r) => r.code), 3);
    assert.deepEqual(await curlFrom(lab, ['-Z', 'x']).then((r) => r.code), 2);
  });

  test('URL forms', () => {
    const cases: [string, unknown][] = [
      ['nsxtestservice', { scheme: 'http', host: 'nsxtestservice', port: 80, path: '/', authority: 'nsxtestservice' }],
      ['nsxtestservice:8080', { scheme: 'http', host: 'nsxtestservice', port: 8080, path: '/', authority: 'nsxtestservice:8080' }],
      ['http://10.1.2.3:81/a/b?c=d#frag', { scheme: 'http', host: '10.1.2.3', port: 81, path: '/a/b?c=d', authority: '10.1.2.3:81' }],
      ['HTTP://Web/x', { scheme: 'http', host: 'web', port: 80, path: '/x', authority: 'web' }],
      ['web?q=1', { scheme: 'http', host: 'web', port: 80, path: '/?q=1', authority: 'web' }],
      ['ftp://x/', { unsupported: 'ftp' }],
      ['http://x:0/', 'bad'],
      ['http:///', 'bad'],
    ];
    for (const [url, want] of cases) assert.deepEqual(parseUrl(url), want, url);
  });
});
