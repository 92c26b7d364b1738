// `svcnet up --detach`, `svcnet status`, `svcnet down`: the CLI contract every later
// issue and the README rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../..', import.meta.url).pathname);
const svcnet = (args: string[]) => spawnSync(process.execPath, [join(repo, 'bin/svcnet.js'), ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, SVCNET_LOG: 'warn' } });

test('up --detach returns once ready; status reports it; a second up is refused; down stops it', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cli-'));
  try {
    const notRunning = svcnet(['status', '--state-dir', dir]);
    assert.equal(notRunning.status, 3);
    assert.match(notRunning.stdout, /svcnet is not running/);

    const up = svcnet(['up', '--detach', '--state-dir', dir, '--port', '0', '--dns-port', '0', '--dns-metrics-port', '0']);
    assert.equal(up.status, 0, up.stderr + up.stdout);
    assert.match(up.stdout, /ready in [0-9.]+s/);
    assert.match(up.stdout, new RegExp(`export KUBECONFIG=${join(dir, 'kubeconfig').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(join(dir, 'kubeconfig')));
    const info = JSON.parse(readFileSync(join(dir, 'svcnet.json'), 'utf8')) as { pid: number; server: string };

    const status = svcnet(['status', '--state-dir', dir]);
    assert.equal(status.status, 0);
    assert.match(status.stdout, new RegExp(`pid:\\s+${info.pid}`));
    assert.match(status.stdout, /API server: https:\/\/127\.0\.0\.1:\d+/);
    assert.match(status.stdout, /\n  metrics:    http:\/\/127\.0\.0\.1:\d+\/metrics/, 'the DNS metrics endpoint is listed');

    const again = svcnet(['up', '--state-dir', dir, '--port', '0', '--dns-port', '0', '--dns-metrics-port', '0']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /a lab is already running/);

    const kc = spawnSync('/usr/bin/kubectl', ['get', 'ns', 'default', '-o', 'name'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') } });
    assert.equal(kc.stdout.trim(), 'namespace/default');

    const down = svcnet(['down', '--state-dir', dir]);
    assert.equal(down.status, 0);
    assert.match(down.stdout, new RegExp(`svcnet stopped \\(pid ${info.pid}\\)`));
    assert.equal(existsSync(join(dir, 'svcnet.json')), false);
    assert.throws(() => process.kill(info.pid, 0));
  } finally {
    svcnet(['down', '--state-dir', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments get a clear error', () => {
  const r = svcnet(['up', '--port', 'abc']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /must be a port number 0-65535/);
  const u = svcnet(['frobnicate']);
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
});

test('bad --proxy-mode and --bgp-* values are refused before anything starts, every mistake at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cli-'));
  const m = svcnet(['up', '--state-dir', dir, '--proxy-mode', 'ipvs']);
  assert.notEqual(m.status, 0);
  assert.match(m.stderr, /option '--proxy-mode <mode>' argument 'ipvs' is invalid\. Allowed choices are openflow, nftables, iptables/);
  const b = svcnet(['up', '--state-dir', dir, '--bgp-peer', '10.0.0.1:99999', '--bgp-peer', 'peer.example', '--bgp-asn', '0']);
  assert.equal(b.status, 2, b.stderr);
  assert.match(b.stderr, /--bgp-peer: BGP peer "10\.0\.0\.1:99999": port 99999 is not in 1\.\.65535/);
  assert.match(b.stderr, /--bgp-peer: BGP peer "peer\.example": "peer\.example" is not an IPv4 address/);
  assert.match(b.stderr, /--bgp-asn: ASN 0 is not an integer in 1\.\.4294967295/);
  assert.equal(existsSync(join(dir, 'svcnet.json')), false, 'nothing started');
});

test('views that need a running lab say how to start it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-cli-'));
  for (const args of [['exec', 'client', '--', 'curl', 'http://10.190.6.1'], ['nft', 'list', 'ruleset', 'k8s-node1'], ['lb', 'get', 'pools'], ['edge', 'get', 'logical-router']]) {
    const dd = args.indexOf('--');
    const r = svcnet(dd === -1 ? [...args, '--state-dir', dir] : [...args.slice(0, dd), '--state-dir', dir, ...args.slice(dd)]);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, /svcnet is not running \(state dir .*\)\. Start it with `svcnet up --state-dir /, args.join(' '));
  }
});
