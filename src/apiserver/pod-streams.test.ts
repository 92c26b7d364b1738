// pods/exec at the WebSocket frame level (channel protocol v5 / v4) and pods/log over
// HTTP, against an in-process server with the fake node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { FAKE_LOG_LINES, FAKE_PROMPT, FakeNode } from './_fake-node.js';
import { pod, startTestServer, TOKEN, type TestServer } from './_test-server.js';
import { CH_CLOSE, CH_ERROR, CH_RESIZE, CH_STDERR, CH_STDIN, CH_STDOUT } from './pod-streams.js';

let srv: TestServer;
let node: FakeNode;
const ns = '/api/v1/namespaces/default/pods';

interface Upgraded {
  readonly kind: 'open';
  readonly ws: WebSocket;
  readonly protocol: string;
  /** Text written so far on a channel. */
  text(ch: number): string;
  /** Resolves when `what` has appeared on `ch` (after `from` characters). */
  waitFor(ch: number, what: string, from?: number): Promise<number>;
  /** The error-channel Status and the close code, once the server closed. */
  readonly end: Promise<{ status: any; code: number }>;
}
interface Refused {
  readonly kind: 'refused';
  readonly code: number;
  readonly body: any;
}

function execPath(name: string, params: string): string {
  return `${ns}/${name}/exec?${params}`;
}

function upgrade(path: string, protocols: string[] = ['v5.channel.k8s.io']): Promise<Upgraded | Refused> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}${path}`, protocols, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const out = new Map<number, string>();
    let status: any;
    const listeners = new Set<() => void>();
    ws.on('message', (d: Buffer, binary: boolean) => {
      assert.equal(binary, true, 'every server message must be binary');
      const ch = d[0]!;
      if (ch === CH_ERROR) status = JSON.parse(d.subarray(1).toString());
      else out.set(ch, (out.get(ch) ?? '') + d.subarray(1).toString());
      for (const l of listeners) l();
    });
    const end = new Promise<{ status: any; code: number }>((r) => ws.on('close', (code) => r({ status, code })));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ kind: 'refused', code: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    ws.on('error', (e) => {
      if (ws.readyState !== ws.CLOSED) reject(e);
    });
    ws.on('open', () =>
      resolve({
        kind: 'open',
        ws,
        protocol: ws.protocol,
        end,
        text: (ch) => out.get(ch) ?? '',
        waitFor: (ch, what, from = 0) =>
          new Promise((ok, fail) => {
            const check = () => {
              const at = (out.get(ch) ?? '').indexOf(what, from);
              if (at === -1) return;
              listeners.delete(check);
              clearTimeout(timer);
              ok(at + what.length);
            };
            const timer = setTimeout(() => {
              listeners.delete(check);
              fail(new Error(`no ${JSON.stringify(what)} on channel ${ch}: ${JSON.stringify(out.get(ch) ?? '')}`));
            }, 3000);
            listeners.add(check);
            check();
          }),
      }),
    );
  });
}

async function open(path: string, protocols?: string[]): Promise<Upgraded> {
  const u = await upgrade(path, protocols);
  assert.equal(u.kind, 'open', u.kind === 'refused' ? JSON.stringify(u.body) : '');
  return u as Upgraded;
}

async function refused(path: string, protocols?: string[]): Promise<Refused> {
  const u = await upgrade(path, protocols);
  assert.equal(u.kind, 'refused');
  return u as Refused;
}

const frame = (ch: number, data: string | number[]) => Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]);

describe('pods/exec over WebSocket', () => {
  before(async () => {
    node = new FakeNode({ followEveryMs: 10, waiting: ['sidecar'] });
    srv = await startTestServer({ connector: node });
    const mk = async (name: string, spec: Record<string, unknown>) => {
      const r = await srv.req('POST', ns, { body: pod(name, spec) });
      assert.equal(r.status, 201, r.text);
    };
    await mk('web', { nodeName: 'node1' });
    await mk('pending', {});
    await mk('multi', { nodeName: 'node1', containers: [{ name: 'a', image: 'x' }, { name: 'sidecar', image: 'y' }], initContainers: [{ name: 'init', image: 'z' }] });
  });
  after(() => srv.close());

  test('echo hi: stdout frame, Success on the error channel, normal closure', async () => {
    const u = await open(execPath('web', 'command=echo&command=hi&stdout=true&stderr=true'));
    assert.equal(u.protocol, 'v5.channel.k8s.io');
    const { status, code } = await u.end;
    assert.equal(u.text(CH_STDOUT), 'hi\n');
    assert.equal(status.status, 'Success');
    assert.equal(code, 1000);
    assert.equal(node.execs.at(-1)!.req.container, 'c');
  });

  test('non-zero exit: NonZeroExitCode with the code in an ExitCode cause', async () => {
    const u = await open(execPath('web', 'command=sh&command=-c&command=exit%203&stdout=true&stderr=true'));
    const { status } = await u.end;
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  });

  test('stderr goes to channel 2; an unrequested stdout is dropped', async () => {
    const u = await open(execPath('web', 'command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262&stderr=true'));
    await u.end;
    assert.equal(u.text(CH_STDERR), 'err\n');
    assert.equal(u.text(CH_STDOUT), '');
  });

  test('cat echoes stdin; the v5 CLOSE signal for stdin ends it', async () => {
    const u = await open(execPath('web', 'command=cat&stdin=true&stdout=true&stderr=true'));
    u.ws.send(frame(CH_STDIN, 'abc\n'));
    u.ws.send(frame(CH_STDIN, 'def\n'));
    await u.waitFor(CH_STDOUT, 'abc\ndef\n');
    u.ws.send(frame(CH_CLOSE, [CH_STDIN]));
    const { status, code } = await u.end;
    assert.equal(status.status, 'Success');
    assert.equal(code, 1000);
    assert.equal(node.execs.at(-1)!.stdinClosed, true);
  });

  test('v4 is negotiated when offered alone; it has no CLOSE, a hang-up kills the process', async () => {
    const u = await open(execPath('web', 'command=cat&stdin=true&stdout=true'), ['v4.channel.k8s.io']);
    assert.equal(u.protocol, 'v4.channel.k8s.io');
    const rec = node.execs.at(-1)!;
    u.ws.send(frame(CH_STDIN, 'x'));
    await u.waitFor(CH_STDOUT, 'x');
    u.ws.send(frame(CH_CLOSE, [CH_STDIN]));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rec.outcome, undefined, 'CLOSE must be ignored under v4');
    u.ws.close();
    await u.end;
    for (let i = 0; i < 100 && !rec.killed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rec.killed, true);
  });

  test('tty: resize reaches the node, the terminal echoes, stderr is merged, exit code returned', async () => {
    const u = await open(execPath('web', 'command=bash&stdin=true&stdout=true&tty=true'));
    u.ws.send(frame(CH_RESIZE, JSON.stringify({ Width: 120, Height: 40 })));
    u.ws.send(frame(CH_RESIZE, '{not json'));
    let at = await u.waitFor(CH_STDOUT, FAKE_PROMPT);
    u.ws.send(frame(CH_STDIN, 'echo hello\r'));
    at = await u.waitFor(CH_STDOUT, `echo hello\r\nhello\r\n${FAKE_PROMPT}`, at);
    u.ws.send(frame(CH_STDIN, 'nosuch\r'));
    at = await u.waitFor(CH_STDOUT, 'command not found\r\n', at);
    u.ws.send(frame(CH_STDIN, 'exit 2\r'));
    const { status } = await u.end;
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
    assert.equal(u.text(CH_STDERR), '');
    const rec = node.execs.at(-1)!;
    assert.deepEqual(rec.resizes, [[120, 40]]);
    assert.equal(rec.req.tty, true);
  });

  test('a runtime failure is an InternalError Status on the error channel', async () => {
    const u = await open(execPath('web', 'command=nosuch&stdout=true'));
    const { status } = await u.end;
    assert.equal(status.reason, 'InternalError');
    assert.match(status.message, /^Internal error occurred: .*"nosuch": executable file not found/);
  });

  test('refusals before the upgrade are JSON Status answers with upstream wording', async () => {
    const cases: Array<[string, number, RegExp]> = [
      [execPath('pending', 'command=ls&stdout=true'), 400, /^pod pending does not have a host assigned$/],
      [execPath('web', 'command=ls&stdout=true&container=nope'), 400, /^container nope is not valid for pod web$/],
      [execPath('multi', 'command=ls&stdout=true'), 400, /^a container name must be specified for pod multi, choose one of: \[a sidecar\] or one of the init containers: \[init\]$/],
      [execPath('web', 'stdout=true'), 400, /^you must specify at least 1 command$/],
      [execPath('web', 'command=ls'), 400, /^you must specify at least 1 of stdin, stdout, stderr$/],
      [execPath('multi', 'command=ls&stdout=true&container=sidecar'), 400, /^container not found \("sidecar"\)$/],
      [`${ns}/web/attach?stdout=true`, 400, /not supported/],
    ];
    for (const [path, code, msg] of cases) {
      const r = await refused(path);
      assert.equal(r.code, code, path);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'BadRequest');
      assert.match(r.body.message, msg, path);
    }
    const bad = await refused(execPath('web', 'command=ls&stdout=true'), ['channel.k8s.io']);
    assert.match(bad.body.message, /none of the offered subprotocols \[channel\.k8s\.io\] is supported/);
  });

  test('an SPDY upgrade (kubectl fallback) gets a Status, not a hang', async () => {
    const u = new URL(srv.url);
    const r = await new Promise<{ code: number; body: any }>((resolve, reject) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: execPath('web', 'command=ls&stdout=true'),
        headers: { Authorization: `Bearer ${TOKEN}`, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(body) }));
      });
      req.on('upgrade', () => reject(new Error('must not upgrade')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(r.code, 400);
    assert.match(r.body.message, /only WebSocket streaming/);
  });

  test('without a node connector: 500 error dialing backend', async () => {
    const bare = await startTestServer();
    try {
      const r = await bare.req('POST', ns, { body: pod('p', { nodeName: 'node1' }) });
      assert.equal(r.status, 201);
      const prev = srv;
      srv = bare;
      try {
        const x = await refused(execPath('p', 'command=ls&stdout=true'));
        assert.equal(x.code, 500);
        assert.match(x.body.message, /^error dialing backend: no node agent is connected for node node1$/);
      } finally {
        srv = prev;
      }
      const l = await bare.req('GET', `${ns}/p/log`);
      assert.equal(l.status, 500);
    } finally {
      await bare.close();
    }
  });

  test('a client hang-up kills the running process', async () => {
    const u = await open(execPath('web', 'command=sleep&command=100&stdout=true'));
    const rec = node.execs.at(-1)!;
    u.ws.terminate();
    for (let i = 0; i < 100 && !rec.killed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(rec.killed, true);
  });
});

describe('pods/log', () => {
  before(async () => {
    node = new FakeNode({ followEveryMs: 10, waiting: ['sidecar'] });
    srv = await startTestServer({ connector: node });
    await srv.req('POST', ns, { body: pod('web', { nodeName: 'node1' }) });
    await srv.req('POST', ns, { body: pod('pending', {}) });
    await srv.req('POST', ns, { body: pod('multi', { nodeName: 'node1', containers: [{ name: 'a', image: 'x' }, { name: 'sidecar', image: 'y' }] }) });
  });
  after(() => srv.close());
  const all = FAKE_LOG_LINES.map((l) => `${l}\n`).join('');

  test('plain, tail, limitBytes, timestamps', async () => {
    const r = await srv.req('GET', `${ns}/web/log`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.text, all);
    assert.equal((await srv.req('GET', `${ns}/web/log?tailLines=2`)).text, FAKE_LOG_LINES.slice(-2).map((l) => `${l}\n`).join(''));
    assert.equal((await srv.req('GET', `${ns}/web/log?tailLines=0`)).text, '');
    assert.equal((await srv.req('GET', `${ns}/web/log?limitBytes=4`)).text, all.slice(0, 4));
    assert.match((await srv.req('GET', `${ns}/web/log?timestamps=true&tailLines=1`)).text, /^2024-01-01T00:00:02\.000000000Z \S/);
  });

  test('an unscheduled pod has an empty log (as upstream), errors keep upstream wording', async () => {
    const p = await srv.req('GET', `${ns}/pending/log`);
    assert.equal(p.status, 200);
    assert.equal(p.text, '');
    const cases: Array<[string, number, RegExp]> = [
      [`${ns}/web/log?container=zz`, 400, /^container zz is not valid for pod web$/],
      [`${ns}/multi/log`, 400, /^a container name must be specified for pod multi, choose one of: \[a sidecar\]$/],
      [`${ns}/multi/log?container=sidecar`, 400, /is waiting to start: ContainerCreating$/],
      [`${ns}/web/log?previous=true`, 400, /^previous terminated container "c" in pod "web" not found$/],
      [`${ns}/web/log?tailLines=-1`, 400, /tailLines: Invalid value: -1: must be greater than or equal to 0/],
      [`${ns}/web/log?limitBytes=abc`, 400, /limitBytes/],
      [`${ns}/nope/log`, 404, /^pods "nope" not found$/],
    ];
    for (const [path, code, msg] of cases) {
      const r = await srv.req('GET', path);
      assert.equal(r.status, code, path);
      assert.equal(r.json.kind, 'Status');
      assert.match(r.json.message, msg, path);
    }
  });

  test('follow streams until the client goes away, then the node stops writing', async () => {
    const u = new URL(srv.url);
    let body = '';
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: `${ns}/web/log?follow=true`, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
        assert.equal(res.statusCode, 200);
        res.on('data', (c: Buffer) => {
          body += c.toString();
          if (body.includes('tick 3\n')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (body.includes('tick 3') ? resolve() : reject(e)));
      req.end();
    });
    assert.ok(body.startsWith(`${all}tick 1\ntick 2\ntick 3\n`), body);
    for (let i = 0; i < 100 && node.activeFollows > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(node.activeFollows, 0);
  });
});
