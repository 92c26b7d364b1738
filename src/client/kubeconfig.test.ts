import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultKubeconfigPath, fromKubeconfig, parseKubeconfig } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';

const doc = `
apiVersion: v1
kind: Config
current-context: svcnet
preferences: {}
clusters:
- name: svcnet
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${b64(CA)}
- name: plain
  cluster:
    server: http://127.0.0.1:8080
    insecure-skip-tls-verify: true
- name: files
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
contexts:
- name: svcnet
  context: {cluster: svcnet, user: admin, namespace: demons}
- name: plain
  context: {cluster: plain, user: admin}
- name: kind
  context: {cluster: files, user: certs}
- name: broken
  context: {cluster: nowhere, user: admin}
users:
- name: admin
  user:
    token: abc.def
- name: certs
  user:
    client-certificate-data: ${b64('CERT')}
    client-key: keys/admin.key
`;

describe('parseKubeconfig', () => {
  test('current-context: server, CA data, token, namespace', () => {
    const r = parseKubeconfig(doc);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.value, { config: { server: 'https://127.0.0.1:6443', caPem: CA, token: 'abc.def' }, namespace: 'demons', context: 'svcnet' });
  });

  test('explicit context with insecure-skip-tls-verify; namespace defaults to "default"', () => {
    const r = parseKubeconfig(doc, { context: 'plain' });
    assert.ok(r.ok);
    assert.deepEqual(r.value.config, { server: 'http://127.0.0.1:8080', insecureSkipTLSVerify: true, token: 'abc.def' });
    assert.equal(r.value.namespace, 'default');
  });

  test('file references resolve against baseDir; client certificates', () => {
    const read: string[] = [];
    const r = parseKubeconfig(doc, { context: 'kind', baseDir: '/home/u/.kube', readFile: (p) => (read.push(p), `<${p}>`) });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(read, ['/home/u/.kube/pki/ca.crt', '/home/u/.kube/keys/admin.key']);
    assert.deepEqual(r.value.config, { server: 'https://10.0.0.1:6443', caPem: '</home/u/.kube/pki/ca.crt>', certPem: 'CERT', keyPem: '</home/u/.kube/keys/admin.key>' });
  });

  const bad: [string, string, string | undefined, RegExp][] = [
    ['invalid YAML', 'a: [', undefined, /not valid YAML/],
    ['no current-context', 'clusters: []', undefined, /no current-context/],
    ['unknown context', doc, 'nope', /context "nope" not found/],
    ['unknown cluster', doc, 'broken', /cluster "nowhere" not found/],
    ['file reference without reader', doc, 'kind', /no reader/],
  ];
  for (const [name, text, context, re] of bad) {
    test(`error: ${name}`, () => {
      const r = parseKubeconfig(text, context !== undefined ? { context } : {});
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, re);
    });
  }
});

test('fromKubeconfig reads the file and relative references next to it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-kubeconfig-'));
  try {
    writeFileSync(join(dir, 'config'), doc.replace('client-key: keys/admin.key', 'client-key: admin.key').replace('pki/ca.crt', 'ca.crt'));
    writeFileSync(join(dir, 'admin.key'), 'KEY');
    writeFileSync(join(dir, 'ca.crt'), 'CAFILE');
    const r = fromKubeconfig(join(dir, 'config'), { context: 'kind' });
    assert.equal(r.config.keyPem, 'KEY');
    assert.equal(r.config.caPem, 'CAFILE');
    assert.throws(() => fromKubeconfig(join(dir, 'missing')));
    assert.throws(() => fromKubeconfig(join(dir, 'config'), { context: 'broken' }), /cluster "nowhere"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('defaultKubeconfigPath honours $KUBECONFIG', () => {
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: '/a/b:/c/d' }), '/a/b');
  assert.match(defaultKubeconfigPath({}), /\.kube\/config$/);
});
