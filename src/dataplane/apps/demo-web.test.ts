import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import type { TcpSocket } from '../host/index.js';
import { ip } from '../host/testing.js';
import { advance, capture, CLIENT_IP, makeLab, run, WEB_IP, WEB_POD, type Lab } from './_test-lab.js';
import { combinedLogLine, demoPage, httpDate, startDemoWeb } from './demo-web.js';
import { runCommand } from './shell.js';

const ACCESS = /^172\.25\.5\.4 - - \[26\/Nov\/2026:05:00:00 \+0000\] "GET \/ HTTP\/1\.1" 200 (\d+) "-" "curl\/7\.88\.1"$/;

/** A raw TCP client that collects everything the server sends and notices its FIN. */
async function rawClient(lab: Lab): Promise<{ sock: TcpSocket; received: () => string; ended: () => boolean }> {
  const sock = await run(lab, lab.client.stack.connect(ip(WEB_IP), 80));
  let text = '';
  let ended = false;
  sock.onData((c) => (text += new TextDecoder().decode(c)));
  sock.onEnd(() => {
    ended = true;
    sock.end();
  });
  return { sock, received: () => text, ended: () => ended };
}

function responses(text: string): string[] {
  return text.split(/(?=HTTP\/1\.1 )/).filter((s) => s !== '');
}

describe('demo web server', () => {
  test('curl from the shell pod shows the page naming the web pod and its IP, and the access is logged', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const c = capture();
    const code = await run(lab, runCommand(['curl', `http://${WEB_IP}/`], c.io, lab.client.ctx));
    assert.equal(code, 0);
    assert.equal(c.err(), '');
    assert.equal(c.out(), demoPage(WEB_POD, WEB_IP));
    assert.ok(c.out().split('\n').includes(`Hello, this web-page is served by: ${WEB_POD}`));
    assert.ok(c.out().split('\n').includes(`The containers private IP is: ${WEB_IP}`));
    assert.match(c.out(), /<title>[^<]+<\/title>/);
    assert.equal(lab.web.logs.length, 1);
    const m = ACCESS.exec(lab.web.logs[0]!);
    assert.ok(m, lab.web.logs[0]);
    assert.equal(Number(m[1]), new TextEncoder().encode(demoPage(WEB_POD, WEB_IP)).length);
  });

  test('keep-alive: several requests on one connection, then Connection: close ends it', async () => {
    const lab = makeLab();
    const server = unwrap(startDemoWeb(lab.web.ctx));
    const cl = await rawClient(lab);
    cl.sock.write('GET / HTTP/1.1\r\nHost: web\r\n\r\n');
    await advance(lab, 10);
    assert.equal(responses(cl.received()).length, 1);
    assert.match(cl.received(), /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.25\.3\r\nDate: Thu, 26 Nov 2026 05:00:00 GMT\r\nContent-Type: text\/html\r\nContent-Length: \d+\r\nConnection: keep-alive\r\n\r\n<!DOCTYPE html>/);
    assert.equal(cl.ended(), false);
    // Two pipelined requests in one segment, the second closing the connection.
    cl.sock.write('GET /index.html HTTP/1.1\r\nHost: web\r\n\r\nGET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n');
    await run(lab, cl.sock.closed(), 5000);
    const all = responses(cl.received());
    assert.equal(all.length, 3);
    assert.match(all[1]!, /Connection: keep-alive\r\n/);
    assert.match(all[2]!, /Connection: close\r\n/);
    assert.equal(cl.ended(), true);
    assert.equal(server.requestsServed, 3);
    assert.equal(lab.web.logs.length, 3);
  });

  test('HTTP/1.0 closes after the response unless it asks for keep-alive', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const a = await rawClient(lab);
    a.sock.write('GET / HTTP/1.0\r\n\r\n');
    await run(lab, a.sock.closed(), 5000);
    assert.match(a.received(), /^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n/);
    const b = await rawClient(lab);
    b.sock.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    await advance(lab, 10);
    assert.match(b.received(), /Connection: keep-alive\r\n/);
    assert.equal(b.ended(), false);
  });

  test('a malformed request gets nginx 400 and the connection is closed; the raw line is logged', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const cl = await rawClient(lab);
    cl.sock.write('HELLO THERE\r\n\r\n');
    await run(lab, cl.sock.closed(), 5000);
    assert.match(cl.received(), /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n\r\n<html>\r\n<head><title>400 Bad Request<\/title><\/head>/);
    assert.equal(cl.ended(), true);
    assert.match(lab.web.logs[0]!, /^172\.25\.5\.4 - - \[[^\]]+\] "HELLO THERE" 400 \d+ "-" "-"$/);
  });

  for (const [name, req, status] of [
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['bad Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n', 400],
    ['space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400],
    ['HTTP/2.0 in text', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['unknown transfer coding', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
  ] as const) {
    test(`rejects ${name} with ${status}`, async () => {
      const lab = makeLab();
      unwrap(startDemoWeb(lab.web.ctx));
      const cl = await rawClient(lab);
      cl.sock.write(req);
      await run(lab, cl.sock.closed(), 5000);
      assert.match(cl.received(), new RegExp(`^HTTP/1\\.1 ${status} `));
    });
  }

  test('404 for unknown paths, 405 for POST, HEAD without a body, chunked bodies are consumed', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const cl = await rawClient(lab);
    cl.sock.write('GET /nope?x=1 HTTP/1.1\r\nHost: a\r\n\r\n');
    cl.sock.write('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    cl.sock.write('HEAD / HTTP/1.1\r\nHost: a\r\nUser-Agent: probe/1\r\nReferer: http://x/\r\n\r\n');
    await advance(lab, 20);
    const r = responses(cl.received());
    assert.equal(r.length, 3);
    assert.match(r[0]!, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.match(r[0]!, /<center><h1>404 Not Found<\/h1><\/center>/);
    assert.match(r[1]!, /^HTTP\/1\.1 405 Not Allowed\r\n/);
    assert.match(r[2]!, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n$/);
    assert.match(lab.web.logs[2]!, /"HEAD \/ HTTP\/1\.1" 200 0 "http:\/\/x\/" "probe\/1"$/);
  });

  test('an idle keep-alive connection is closed after 75 s', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const cl = await rawClient(lab);
    cl.sock.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const t0 = lab.clock.now();
    await run(lab, cl.sock.closed(), 100_000, 100);
    assert.ok(cl.ended());
    assert.ok(lab.clock.now() - t0 >= 75_000 && lab.clock.now() - t0 < 76_000, String(lab.clock.now() - t0));
  });

  test('a second server on :80 fails with EADDRINUSE; close() frees the port', () => {
    const lab = makeLab();
    const s = unwrap(startDemoWeb(lab.web.ctx));
    const again = startDemoWeb(lab.web.ctx);
    assert.equal(again.ok ? 'ok' : again.error, 'EADDRINUSE');
    s.close();
    assert.ok(startDemoWeb(lab.web.ctx).ok);
  });

  test('log and date formats', () => {
    const t = Date.UTC(2026, 10, 26, 5, 0, 0);
    assert.equal(httpDate(t), 'Thu, 26 Nov 2026 05:00:00 GMT');
    assert.equal(combinedLogLine(CLIENT_IP, t, 'GET / HTTP/1.1', 200, 612, undefined, 'curl/7.x'), '172.25.5.4 - - [26/Nov/2026:05:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.x"');
    assert.equal(combinedLogLine(CLIENT_IP, t, 'GET /"\x01 HTTP/1.1', 404, 1, '', 'a"b'), '172.25.5.4 - - [26/Nov/2026:05:00:00 +0000] "GET /\\x22\\x01 HTTP/1.1" 404 1 "-" "a\\x22b"');
  });
});
