import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageRegistry, parseImageRef } from './image-registry.js';

describe('image registry', () => {
  test('normalises references like the container runtime', () => {
    const cases: [string, string][] = [
      ['nginx', 'docker.io/library/nginx:latest'],
      ['nginx:1.25', 'docker.io/library/nginx:1.25'],
      ['dumlutimuralp/nsx-demo', 'docker.io/dumlutimuralp/nsx-demo:latest'],
      ['docker.io/dumlutimuralp/nsx-demo:latest', 'docker.io/dumlutimuralp/nsx-demo:latest'],
      ['index.docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36'],
      ['localhost:5000/team/app:v1', 'localhost:5000/team/app:v1'],
      ['registry.k8s.io/coredns/coredns:v1.11.1', 'registry.k8s.io/coredns/coredns:v1.11.1'],
      [`alpine@sha256:${'a'.repeat(64)}`, `docker.io/library/alpine@sha256:${'a'.repeat(64)}`],
    ];
    for (const [ref, canonical] of cases) assert.equal(parseImageRef(ref).ok && (parseImageRef(ref) as { value: { canonical: string } }).value.canonical, canonical, ref);
    for (const bad of ['', 'Nginx', 'nginx:', 'a//b', 'nginx:bad tag', 'x@sha256:zz']) assert.equal(parseImageRef(bad).ok, false, bad);
  });

  test('maps images to behaviours, whatever the tag or registry spelling', () => {
    const reg = new ImageRegistry();
    const kinds = (ref: string): string => {
      const a = reg.resolve(ref);
      return a.kind === 'web' || a.kind === 'shell' ? `${a.kind}/${a.shell}` : a.kind;
    };
    assert.equal(kinds('dumlutimuralp/nsx-demo'), 'web/bash');
    assert.equal(kinds('docker.io/dumlutimuralp/nsx-demo:latest'), 'web/bash');
    assert.equal(kinds('nginx:1.25-alpine'), 'web/bash');
    assert.equal(kinds('httpd'), 'web/bash');
    assert.equal(kinds('dumlutimuralp/networktest'), 'shell/bash');
    assert.equal(kinds('busybox:1.28'), 'shell/ash');
    assert.equal(kinds('alpine'), 'shell/ash');
    assert.equal(kinds('nicolaka/netshoot'), 'shell/bash');
    assert.equal(kinds('registry.k8s.io/coredns/coredns:v1.11.1'), 'dns-server');
  });

  test('unknown images fail like a pull; malformed ones like kubelet', () => {
    const reg = new ImageRegistry();
    const u = reg.resolve('dumlutimuralp/nsx-demoo');
    assert.equal(u.kind, 'unknown');
    if (u.kind !== 'unknown') return;
    assert.equal(u.reason, 'ErrImagePull');
    assert.equal(
      u.message,
      'Failed to pull image "dumlutimuralp/nsx-demoo": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/dumlutimuralp/nsx-demoo:latest": failed to resolve reference "docker.io/dumlutimuralp/nsx-demoo:latest": docker.io/dumlutimuralp/nsx-demoo:latest: not found',
    );
    const bad = reg.resolve('Foo/Bar');
    assert.equal(bad.kind === 'unknown' && bad.reason, 'InvalidImageName');
  });

  test('register adds repositories', () => {
    const reg = new ImageRegistry();
    assert.ok(reg.register('quay.io/acme/web', { kind: 'web', shell: 'ash' }).ok);
    assert.equal(reg.resolve('quay.io/acme/web:v2').kind, 'web');
    assert.equal(reg.register('Bad Name', { kind: 'dns-server' }).ok, false);
  });
});
