import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as objects from './_realistic-objects.js';
import { cat, envelope, ld, loadFixtures, str, vint } from './_testkit.js';
import { decodeKubernetesProtobuf } from './decode-kubernetes-protobuf.js';
import { encodeKubernetesProtobuf, type EncodeResult } from './encode-kubernetes-protobuf.js';
import type { JsonObject } from './json.js';

function encoded(r: EncodeResult): Uint8Array {
  if (!r.ok) assert.fail(`encode failed: ${r.error.code}: ${r.error.message}`);
  return r.bytes;
}

function roundTrip(obj: JsonObject): JsonObject {
  const r = decodeKubernetesProtobuf(encoded(encodeKubernetesProtobuf(obj)));
  if (!r.ok) assert.fail(`decode failed: ${r.error.message}`);
  return r.object;
}

describe('encoding reproduces kubectl 1.32 byte for byte', () => {
  for (const f of loadFixtures()) {
    test(`${f.name}: kubectl's JSON encodes to the bytes kubectl sent`, () => {
      const r = encodeKubernetesProtobuf(f.json);
      assert.deepEqual(encoded(r), f.bytes);
      assert.ok(r.ok);
      assert.deepEqual(r.dropped, []);
    });
  }
});

describe('JSON -> protobuf -> JSON round trips', () => {
  const cases: Array<[string, JsonObject]> = [
    ["the article's Service (server form, managedFields)", objects.articleService],
    ["the article's LoadBalancer Service, allocated", objects.articleLbService],
    ["the article's Deployment", objects.articleDeployment],
    ["the article's Deployment after defaulting and rollout", objects.defaultedDeployment],
    ['a ConfigMap with binaryData, unicode and immutable: false', objects.configMap],
    ['a terminating Namespace', objects.namespace],
    ['a Pod using most PodSpec and Container features', objects.richPod],
  ];
  for (const [what, obj] of cases) {
    test(what, () => assert.deepEqual(roundTrip(obj), obj));
  }

  test('an object as written in a YAML file comes back in the form Go prints', () => {
    assert.deepEqual(roundTrip(objects.articleLbYaml), {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'nsxdemoservice', labels: { app: 'nsxdemoservice' } },
      spec: {
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
        selector: { app: 'nsxdemo' },
        type: 'LoadBalancer',
      },
      status: { loadBalancer: {} },
    });
  });

  test('quantities given as JSON numbers become strings', () => {
    const pod: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: 2, memory: '1Gi' } } }] },
    };
    const c = ((roundTrip(pod).spec as JsonObject).containers as JsonObject[])[0] as JsonObject;
    assert.deepEqual(c.resources, { limits: { cpu: '2', memory: '1Gi' } });
  });

  test('time offsets are normalized to UTC and fractions dropped', () => {
    const ns: JsonObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: '2019-10-11T14:45:01.75+02:00' } };
    assert.equal((roundTrip(ns).metadata as JsonObject).creationTimestamp, '2019-10-11T12:45:01Z');
  });
});

describe('what the encoder writes', () => {
  test('value fields always, pointers only when set, map keys in code point order', () => {
    const cm: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', data: { '\u{1F600}': 'astral', '\uFFFD': 'bmp', b: '2', a: '1' } };
    const raw = cat(
      ld(1, str(1, ''), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), vint(7, 0), ld(8)),
      ld(2, str(1, 'a'), str(2, '1')),
      ld(2, str(1, 'b'), str(2, '2')),
      ld(2, str(1, '\uFFFD'), str(2, 'bmp')),
      ld(2, str(1, '\u{1F600}'), str(2, 'astral')),
    );
    assert.deepEqual(encoded(encodeKubernetesProtobuf(cm)), envelope('v1', 'ConfigMap', raw));
  });

  test('keys outside the schema are reported as dropped', () => {
    const r = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', bogus: 1 }, spec: { ports: [{ port: 1, extra: true }] }, x: 1 });
    assert.ok(r.ok);
    assert.deepEqual(r.dropped, ['metadata.bogus', 'spec.ports[0].extra', 'x']);
  });
});

describe('invalid objects are refused with a path', () => {
  const svc = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });
  const cases: Array<[string, unknown, string, string?]> = [
    ['not an object', [1, 2], 'invalid-value'],
    ['no kind', { apiVersion: 'v1' }, 'invalid-value'],
    ['an unsupported kind', { apiVersion: 'v1', kind: 'Secret' }, 'unknown-kind'],
    ['a port given as a string', svc({ ports: [{ port: '80' }] }), 'invalid-value', 'spec.ports[0].port'],
    ['a port beyond int32', svc({ ports: [{ port: 2 ** 31 }] }), 'invalid-value', 'spec.ports[0].port'],
    ['a fractional targetPort', svc({ ports: [{ port: 80, targetPort: 80.5 }] }), 'invalid-value', 'spec.ports[0].targetPort'],
    ['a selector that is a list', svc({ selector: ['a'] }), 'invalid-value', 'spec.selector'],
    ['ports that are not a list', svc({ ports: { port: 80 } }), 'invalid-value', 'spec.ports'],
    ['a bool given as a string', svc({ publishNotReadyAddresses: 'true' }), 'invalid-value', 'spec.publishNotReadyAddresses'],
    ['an unsafe int64', { apiVersion: 'v1', kind: 'Namespace', metadata: { generation: 2 ** 60 } }, 'invalid-value', 'metadata.generation'],
    ['a bad time', { apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: 'yesterday' } }, 'invalid-value', 'metadata.creationTimestamp'],
    ['bad base64', { apiVersion: 'v1', kind: 'ConfigMap', binaryData: { a: 'not base64!' } }, 'invalid-value', 'binaryData[a]'],
    ['a bad quantity', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] } }, 'invalid-value', 'spec.containers[0].resources.limits[cpu]'],
  ];
  for (const [what, obj, code, path] of cases) {
    test(what, () => {
      const r = encodeKubernetesProtobuf(obj);
      if (r.ok) assert.fail('expected a failure');
      assert.equal(r.error.code, code);
      if (path !== undefined) assert.equal('path' in r.error ? r.error.path : undefined, path);
    });
  }
});
