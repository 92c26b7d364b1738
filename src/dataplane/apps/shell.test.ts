import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '../../core/result.js';
import { ip } from '../host/testing.js';
import { advance, capture, CLIENT_POD, makeLab, RESOLV_CONF, run, startTestDns, WEB_IP, WEB_POD, type Lab } from './_test-lab.js';
import { startDemoWeb } from './demo-web.js';
import { parseScript } from './shell-parse.js';
import { interactiveShell, runCommand, type ShellOptions } from './shell.js';

async function exec(lab: Lab, argv: string[], opts: ShellOptions = {}): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  c.io.stdin.end();
  const code = await run(lab, runCommand(argv, c.io, lab.client.ctx, opts), 60_000);
  return { code, out: c.out(), err: c.err() };
}

/** Types `keys` into an interactive tty shell, one chunk at a time, letting the clock run in between. */
async function session(lab: Lab, keys: string[], opts: ShellOptions = { tty: true }): Promise<{ code: number; screen: string }> {
  const c = capture();
  const done = interactiveShell(c.io, lab.client.ctx, opts);
  for (const k of keys) {
    c.io.stdin.write(k);
    await advance(lab, 20);
  }
  const code = await run(lab, done, 60_000);
  return { code, screen: c.screen() };
}

describe('interactive shell (tty)', () => {
  test('the article session: cat /etc/resolv.conf, hostname, exit', async () => {
    const lab = makeLab();
    const r = await session(lab, ['\r', 'cat /etc/resolv.conf\r', 'hostname\r', 'exit\r']);
    assert.equal(r.code, 0);
    assert.equal(
      r.screen,
      'bash-4.4# \r\n' +
        'bash-4.4# cat /etc/resolv.conf\r\n' +
        `${RESOLV_CONF.replace(/\n/g, '\r\n')}` +
        'bash-4.4# hostname\r\n' +
        `${CLIENT_POD}\r\n` +
        'bash-4.4# exit\r\n',
    );
  });

  test('curl nsxtestservice inside the session shows the serving pod', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { 'nsxtestservice.demons.svc.cluster.local': WEB_IP } });
    unwrap(startDemoWeb(lab.web.ctx));
    const r = await session(lab, ['curl nsxtestservice\r', 'exit\r']);
    assert.match(r.screen, new RegExp(`\\r\\nHello, this web-page is served by: ${WEB_POD}\\r\\n<br>\\r\\nThe containers private IP is: ${WEB_IP.replace(/\./g, '\\.')}\\r\\n`));
    assert.match(r.screen, /<\/html>\r\nbash-4\.4# exit\r\n$/);
  });

  test('ping nsxtestservice, ^C after 9 s: the article\'s lines', async () => {
    const lab = makeLab();
    startTestDns(lab.dns.stack, { records: { 'nsxtestservice.demons.svc.cluster.local': '10.101.129.209' } });
    // The VIP sits behind a host that forwards nothing: echo requests vanish.
    unwrap(lab.client.stack.addDefaultRoute(ip('172.25.5.10')));
    const c = capture();
    const done = interactiveShell(c.io, lab.client.ctx, { tty: true });
    c.io.stdin.write('ping nsxtestservice\r');
    await advance(lab, 8500);
    c.io.stdin.write('\x03');
    await advance(lab, 10);
    c.io.stdin.write('exit\r');
    assert.equal(await run(lab, done), 1);
    assert.equal(
      c.screen(),
      'bash-4.4# ping nsxtestservice\r\n' +
        'PING nsxtestservice.demons.svc.cluster.local (10.101.129.209): 56 data bytes\r\n' +
        '^C--- nsxtestservice.demons.svc.cluster.local ping statistics ---\r\n' +
        '9 packets transmitted, 0 packets received, 100% packet loss\r\n' +
        'bash-4.4# exit\r\n',
    );
  });

  test('command not found is 127; exit without a number returns the last status', async () => {
    const lab = makeLab();
    const r = await session(lab, ['foo --bar\r', 'echo $?\r', 'false\r', 'exit\r']);
    assert.equal(r.code, 1);
    assert.equal(r.screen, 'bash-4.4# foo --bar\r\nbash: foo: command not found\r\nbash-4.4# echo $?\r\n127\r\nbash-4.4# false\r\nbash-4.4# exit\r\n');
  });

  test('line editing: backspace, ^U, ^C discards the line, ^D ends with the last status', async () => {
    const lab = makeLab();
    const r = await session(lab, ['hostnamx\x7fe\r', 'garbage\x15true\r', 'echo never\x03', '\x04']);
    assert.equal(r.code, 130);
    assert.equal(
      r.screen,
      'bash-4.4# hostnamx\b \be\r\n' +
        `${CLIENT_POD}\r\n` +
        'bash-4.4# garbage' +
        '\b \b'.repeat(7) +
        'true\r\n' +
        'bash-4.4# echo never^C\r\n' +
        'bash-4.4# exit\r\n',
    );
  });

  test('Ctrl-C interrupts a running command (130), typeahead is flushed, the shell goes on', async () => {
    const lab = makeLab();
    const c = capture();
    const done = interactiveShell(c.io, lab.client.ctx, { tty: true });
    c.io.stdin.write('sleep 100; echo not-reached\r');
    await advance(lab, 3000);
    c.io.stdin.write('typed ahead');
    c.io.stdin.write('\x03');
    await advance(lab, 10);
    c.io.stdin.write('echo $?\r');
    await advance(lab, 10);
    c.io.stdin.write('exit 3\r');
    assert.equal(await run(lab, done), 3);
    assert.equal(c.screen(), 'bash-4.4# sleep 100; echo not-reached\r\n^C\r\nbash-4.4# echo $?\r\n130\r\nbash-4.4# exit 3\r\n');
  });

  test('history: Up recalls the previous line', async () => {
    const lab = makeLab();
    const r = await session(lab, ['echo one\r', '\x1b[A\r', 'exit\r']);
    assert.equal(r.screen, 'bash-4.4# echo one\r\none\r\nbash-4.4# echo one\r\none\r\nbash-4.4# exit\r\n');
  });

  test('busybox images: ash prompt and wording', async () => {
    const lab = makeLab();
    const r = await session(lab, ['foo\r', 'exit\r'], { tty: true, shell: 'ash' });
    assert.equal(r.screen, '/ # foo\r\nsh: foo: not found\r\n/ # exit\r\n');
    assert.equal(r.code, 127);
  });
});

describe('exec without a terminal', () => {
  test('one program with its argv and exit code', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const ok = await exec(lab, ['curl', '-s', WEB_IP]);
    assert.equal(ok.code, 0);
    assert.match(ok.out, /Hello, this web-page is served by: /);
    assert.equal(ok.out.includes('\r'), false);
    const refused = await exec(lab, ['/usr/bin/curl', '-s', `${WEB_IP}:81`]);
    assert.deepEqual([refused.code, refused.out, refused.err], [7, '', '']);
    const missing = await exec(lab, ['nmap', WEB_IP]);
    assert.deepEqual([missing.code, missing.err], [126, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nmap": executable file not found in $PATH: unknown\n']);
  });

  test('bash -c / sh -c scripts: lists, && and ||, $?, pipes, redirections, exit', async () => {
    const lab = makeLab();
    unwrap(startDemoWeb(lab.web.ctx));
    const cases: [string, number, string, string][] = [
      ['false; echo $?', 0, '1\n', ''],
      ['true && echo yes || echo no', 0, 'yes\n', ''],
      ['false && echo yes || echo no', 0, 'no\n', ''],
      ["echo 'a  b' \"c $HOSTNAME\" d\\ e", 0, `a  b c ${CLIENT_POD} d e\n`, ''],
      [`curl -s ${WEB_IP} | grep Hello`, 0, `Hello, this web-page is served by: ${WEB_POD}\n`, ''],
      [`curl -s ${WEB_IP} | grep -c private`, 0, '1\n', ''],
      ['cat /etc/hosts | tail -n 1', 0, `172.25.5.4\t${CLIENT_POD}\n`, ''],
      ['cat /nope 2>/dev/null; echo $?', 0, '1\n', ''],
      ['cat /nope 2>&1 | wc -l', 0, '1\n', ''],
      ['echo hi > /tmp/x', 1, '', 'bash: /tmp/x: Read-only file system\n'],
      ['exit 7; echo no', 7, '', ''],
      ['X=1; echo $X ${X}', 0, '1 1\n', ''],
      ['echo "unterminated', 2, '', "bash: unexpected EOF while looking for matching `\"'\nbash: syntax error: unexpected end of file\n"],
      ['| echo', 2, '', "bash: syntax error near unexpected token `|'\n"],
      ['ip route', 0, '172.25.5.0/24 dev eth0 proto kernel scope link src 172.25.5.4 \n', ''],
      ['hostname -i', 0, '172.25.5.4\n', ''],
    ];
    for (const [script, code, out, err] of cases) {
      const r = await exec(lab, ['bash', '-c', script]);
      assert.deepEqual([r.code, r.out, r.err], [code, out, err], script);
    }
    const sh = await exec(lab, ['sh', '-c', 'nosuch'], { shell: 'ash' });
    assert.deepEqual([sh.code, sh.err], [127, 'sh: nosuch: not found\n']);
  });

  test('env shows the container environment', async () => {
    const lab = makeLab();
    const r = await exec(lab, ['env']);
    assert.equal(r.out, `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=${CLIENT_POD}\nHOME=/root\n`);
  });

  test('ip addr comes from the stack', async () => {
    const lab = makeLab();
    const r = await exec(lab, ['ip', 'a']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^1: lo: /);
    assert.match(r.out, /inet 172\.25\.5\.4\/24 brd 172\.25\.5\.255 scope global eth0\n/);
  });

  test('a shell reading commands from a pipe: no prompt, no echo, ends at EOF', async () => {
    const lab = makeLab();
    const c = capture();
    c.io.stdin.write('hostname\nfoo\n');
    c.io.stdin.write('echo $?');
    c.io.stdin.end();
    const code = await run(lab, runCommand(['bash'], c.io, lab.client.ctx));
    assert.equal(code, 0);
    assert.equal(c.out(), `${CLIENT_POD}\n127\n`);
    assert.equal(c.err(), 'bash: foo: command not found\n');
  });

  test('exec -t of a single program: ^C interrupts it', async () => {
    const lab = makeLab();
    const c = capture();
    const done = runCommand(['sleep', '60'], c.io, lab.client.ctx, { tty: true });
    await advance(lab, 1000);
    c.io.stdin.write('\x03');
    assert.equal(await run(lab, done), 130);
    assert.equal(c.out(), '^C');
  });

  test('the runtime ending the exec stops the shell', async () => {
    const lab = makeLab();
    const ac = new AbortController();
    const c = capture(ac.signal);
    const done = interactiveShell(c.io, lab.client.ctx, { tty: true });
    c.io.stdin.write('sleep 1000\r');
    await advance(lab, 100);
    ac.abort('terminate');
    assert.equal(await run(lab, done), 130);
  });
});

describe('shell grammar', () => {
  test('parses lists, pipelines and redirections', () => {
    const r = parseScript("a 'b c' | d >/dev/null 2>&1 && e; f");
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.equal(r.script.length, 2);
    assert.equal(r.script[0]!.first.length, 2);
    assert.deepEqual(r.script[0]!.first[1]!.redirects.map((x) => x.kind), ['file', 'dup']);
    assert.equal(r.script[0]!.rest[0]!.op, '&&');
    assert.deepEqual(parseScript("echo 'x"), { kind: 'error', error: { kind: 'unterminated', quote: "'" } });
    assert.deepEqual(parseScript('a && && b'), { kind: 'error', error: { kind: 'unexpected', token: '&&' } });
  });
});
