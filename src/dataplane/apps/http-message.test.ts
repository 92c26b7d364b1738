import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepAlive, readChunked, RequestReader, ResponseReader } from './http-message.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function readAll(text: string, chunk = Number.POSITIVE_INFINITY): string[] {
  const r = new RequestReader();
  const out: string[] = [];
  const bytes = enc(text);
  for (let i = 0; i < bytes.length; i += Math.min(chunk, bytes.length)) {
    r.push(bytes.subarray(i, i + chunk));
    for (;;) {
      const n = r.next();
      if (n.kind === 'incomplete') break;
      if (n.kind === 'error') {
        out.push(`error ${n.status} ${n.requestLine}`);
        return out;
      }
      out.push(`${n.req.method} ${n.req.target} ${n.req.version} [${dec(n.req.body)}]`);
    }
  }
  return out;
}

describe('HTTP request reader', () => {
  test('whole, split byte by byte, pipelined, with bodies', () => {
    const text =
      '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n' +
      'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' +
      'PUT /y HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n2;ext=1\r\nhe\r\n3\r\nllo\r\n0\r\nTrailer: x\r\n\r\n' +
      'GET /z HTTP/1.0\r\n\r\n';
    const want = ['GET / 1.1 []', 'POST /x 1.1 [abc]', 'PUT /y 1.1 [hello]', 'GET /z 1.0 []'];
    assert.deepEqual(readAll(text), want);
    assert.deepEqual(readAll(text, 1), want);
  });

  test('errors', () => {
    const cases: [string, string][] = [
      ['GARBAGE\r\n\r\n', 'error 400 GARBAGE'],
      ['GET / HTTP/1.1\r\n\r\n', 'error 400 GET / HTTP/1.1'],
      ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'error 400 GET / HTTP/1.1'],
      ['GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n', 'error 400 GET / HTTP/1.1'],
      ['GET / HTTP/3.0\r\nHost: a\r\n\r\n', 'error 505 GET / HTTP/3.0'],
      ['GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n', 'error 400 GET / HTTP/1.1'],
      ['GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n', 'error 413 GET / HTTP/1.1'],
      ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'error 400 POST / HTTP/1.1'],
      ['GET x HTTP/1.1\r\nHost: a\r\n\r\n', 'error 400 GET x HTTP/1.1'],
      [`GET /${'a'.repeat(9000)}`, `error 414 GET /${'a'.repeat(8187)}`],
    ];
    for (const [text, want] of cases) assert.deepEqual(readAll(text), [want], text.slice(0, 40));
  });

  test('keep-alive rules', () => {
    assert.equal(keepAlive('1.1', []), true);
    assert.equal(keepAlive('1.1', [['Connection', 'Close']]), false);
    assert.equal(keepAlive('1.0', []), false);
    assert.equal(keepAlive('1.0', [['connection', 'keep-alive']]), true);
  });
});

describe('HTTP response reader', () => {
  test('framing by Content-Length, chunked, close, HEAD and 204', () => {
    const cl = new ResponseReader(false);
    cl.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'));
    assert.equal(cl.read().kind, 'incomplete');
    assert.equal(cl.bodyReceived(), 3);
    assert.equal(cl.expectedLength(), 5);
    cl.push(enc('loEXTRA'));
    const r = cl.read();
    assert.ok(r.kind === 'response' && dec(r.res.body) === 'hello' && r.res.status === 200 && r.res.reason === 'OK');

    const ch = new ResponseReader(false);
    ch.push(enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'));
    const c = ch.read();
    assert.ok(c.kind === 'response' && dec(c.res.body) === 'hello');

    const eof = new ResponseReader(false);
    eof.push(enc('HTTP/1.0 200 OK\r\n\r\nuntil close'));
    assert.equal(eof.read().kind, 'incomplete');
    eof.end();
    const e = eof.read();
    assert.ok(e.kind === 'response' && dec(e.res.body) === 'until close' && e.res.closeDelimited);

    const head = new ResponseReader(true);
    head.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 612\r\n\r\n'));
    assert.equal(head.read().kind, 'response');
    const nc = new ResponseReader(false);
    nc.push(enc('HTTP/1.1 204 No Content\r\n\r\n'));
    assert.equal(nc.read().kind, 'response');
  });

  test('failures', () => {
    const empty = new ResponseReader(false);
    empty.end();
    assert.equal(empty.read().kind, 'empty');
    const trunc = new ResponseReader(false);
    trunc.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    trunc.end();
    assert.deepEqual(trunc.read(), { kind: 'truncated', missing: 7 });
    const junk = new ResponseReader(false);
    junk.push(enc('hello world'));
    assert.equal(junk.read().kind, 'not-http');
  });

  test('chunked decoder edge cases', () => {
    assert.deepEqual(readChunked(enc('0\r\n\r\n'), 0), { kind: 'body', body: new Uint8Array(0), used: 5 });
    assert.equal(readChunked(enc('5\r\nhel'), 0).kind, 'incomplete');
    assert.equal(readChunked(enc('5\r\nhelloX'), 0).kind, 'error');
    assert.equal(readChunked(enc('10\r\n'), 0, 8).kind, 'error');
  });
});
