import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cat, entry, type Part, envelope, fixture, ld, loadFixtures, MAGIC, newObjectMeta, str, vint, withoutNullTimes } from './_testkit.js';
import { decodeKubernetesProtobuf, type DecodeResult } from './decode-kubernetes-protobuf.js';
import type { JsonObject } from './json.js';

function decoded(r: DecodeResult): JsonObject {
  if (!r.ok) assert.fail(`decode failed: ${r.error.code}: ${r.error.message}`);
  return r.object;
}

function failure(r: DecodeResult): Extract<DecodeResult, { ok: false }>['error'] {
  if (r.ok) assert.fail(`expected a failure, got ${JSON.stringify(r.object)}`);
  return r.error;
}

describe('bytes captured from kubectl 1.32 create ...', () => {
  const fixtures = loadFixtures();
  test('all ten captured requests are present', () => assert.equal(fixtures.length, 10));
  for (const f of fixtures) {
    test(`${f.name} decodes to kubectl's own JSON for the same command`, () => {
      const r = decodeKubernetesProtobuf(f.bytes, { zeroTime: 'null' });
      assert.deepEqual(decoded(r), f.json);
      assert.ok(r.ok);
      assert.deepEqual(r.skipped, []);
      assert.equal(r.apiVersion, f.json.apiVersion);
      assert.equal(r.kind, f.json.kind);
    });
    test(`${f.name} without zeroTime omits creationTimestamp: null`, () => {
      assert.deepEqual(decoded(decodeKubernetesProtobuf(f.bytes)), withoutNullTimes(f.json));
    });
  }
});

describe('bytes built by hand from the field numbers equal what kubectl sent', () => {
  test('kubectl create namespace demons', () => {
    // Namespace{1 metadata, 2 spec NamespaceSpec{}, 3 status NamespaceStatus{1 phase ''}}
    const raw = cat(ld(1, newObjectMeta('demons', '')), ld(2), ld(3, str(1, '')));
    const bytes = envelope('v1', 'Namespace', raw);
    assert.deepEqual(bytes, fixture('namespace-demons').bytes);
    assert.deepEqual(decoded(decodeKubernetesProtobuf(bytes)), {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'demons' },
      spec: {},
      status: {},
    });
  });

  test('kubectl create service clusterip nsxtestservice --tcp=80:80 -n demons', () => {
    // ServicePort{1 name, 2 protocol, 3 port, 4 targetPort IntOrString{1 type 0, 2 intVal 80, 3 strVal ''}, 5 nodePort}
    const port = cat(str(1, '80-80'), str(2, 'TCP'), vint(3, 80), ld(4, vint(1, 0), vint(2, 80), str(3, '')), vint(5, 0));
    const spec = cat(
      ld(1, port),
      entry(2, 'app', 'nsxtestservice'),
      str(3, ''), // clusterIP
      str(4, 'ClusterIP'), // type
      str(7, ''), // sessionAffinity
      str(8, ''), // loadBalancerIP
      str(10, ''), // externalName
      str(11, ''), // externalTrafficPolicy
      vint(12, 0), // healthCheckNodePort
      vint(13, 0), // publishNotReadyAddresses
    );
    const status = ld(1); // loadBalancer: LoadBalancerStatus{}
    const raw = cat(ld(1, newObjectMeta('nsxtestservice', 'demons', { app: 'nsxtestservice' })), ld(2, spec), ld(3, status));
    const bytes = envelope('v1', 'Service', raw);
    assert.deepEqual(bytes, fixture('service-clusterip-nsxtestservice').bytes);
    assert.deepEqual(decoded(decodeKubernetesProtobuf(bytes)), {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'nsxtestservice', namespace: 'demons', labels: { app: 'nsxtestservice' } },
      spec: {
        ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }],
        selector: { app: 'nsxtestservice' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });
});

const service = (spec: Part, meta: Part = newObjectMeta('s', 'ns')): Uint8Array => envelope('v1', 'Service', cat(ld(1, meta), ld(2, spec)));
const deployment = (spec: Part): Uint8Array => envelope('apps/v1', 'Deployment', ld(2, spec));

describe("Go's JSON rules decide what appears", () => {
  test('a pointer field on the wire is printed even when zero; absent it is left out', () => {
    assert.deepEqual((decoded(decodeKubernetesProtobuf(deployment(vint(1, 0)))).spec as JsonObject).replicas, 0);
    assert.equal('replicas' in (decoded(decodeKubernetesProtobuf(deployment([]))).spec as JsonObject), false);
  });

  test('non-omitempty fields print their zero value: nil pointer/slice as null, struct as {}', () => {
    const spec = decoded(decodeKubernetesProtobuf(deployment([]))).spec as JsonObject;
    assert.equal(spec.selector, null);
    assert.deepEqual(spec.template, { metadata: {}, spec: { containers: null } });
    assert.deepEqual(spec.strategy, {});
  });

  test('targetPort as a string (IntOrString type 1)', () => {
    const port = cat(vint(3, 443), ld(4, vint(1, 1), vint(2, 0), str(3, 'https')));
    const spec = decoded(decodeKubernetesProtobuf(service(ld(1, port)))).spec as JsonObject;
    assert.deepEqual(spec.ports, [{ port: 443, targetPort: 'https' }]);
  });

  test('times: RFC 3339 in UTC at second precision, nanos dropped, before 1970 too', () => {
    const meta = cat(str(1, 'x'), ld(8, vint(1, 1570797901), vint(2, 999_000_000)), ld(9, vint(1, -14182940)));
    const m = decoded(decodeKubernetesProtobuf(service([], meta))).metadata as JsonObject;
    assert.equal(m.creationTimestamp, '2019-10-11T12:45:01Z');
    assert.equal(m.deletionTimestamp, '1969-07-20T20:17:40Z');
  });

  test('a present-but-empty pointer Time is the zero time: null (or omitted)', () => {
    const meta = cat(str(1, 'x'), ld(9));
    assert.equal((decoded(decodeKubernetesProtobuf(service([], meta), { zeroTime: 'null' })).metadata as JsonObject).deletionTimestamp, null);
    assert.equal('deletionTimestamp' in (decoded(decodeKubernetesProtobuf(service([], meta))).metadata as JsonObject), false);
  });

  test('map entries: missing value is empty, a repeated key keeps the last value, output sorted', () => {
    const spec = cat(ld(2, str(1, 'z')), entry(2, 'b', '1'), entry(2, 'a', '2'), entry(2, 'b', '3'));
    const sel = (decoded(decodeKubernetesProtobuf(service(spec))).spec as JsonObject).selector as JsonObject;
    assert.deepEqual(Object.entries(sel), [['a', '2'], ['b', '3'], ['z', '']]);
  });

  test("a map key '__proto__' stays an ordinary key", () => {
    const sel = (decoded(decodeKubernetesProtobuf(service(entry(2, '__proto__', 'x')))).spec as JsonObject).selector as JsonObject;
    assert.deepEqual(Object.keys(sel), ['__proto__']);
    assert.equal(Object.getPrototypeOf(sel), Object.prototype);
  });

  test('a value message sent twice is merged, as Go unmarshals into the same struct', () => {
    const bytes = envelope('v1', 'Service', cat(ld(1, str(1, 'first')), ld(1, str(3, 'demons'))));
    assert.deepEqual(decoded(decodeKubernetesProtobuf(bytes)).metadata, { name: 'first', namespace: 'demons' });
  });

  test('repeated int64 decodes packed and unpacked', () => {
    const podSec = cat(vint(4, 1), ld(4, [0x02, 0x03]), vint(4, -1));
    const bytes = envelope('v1', 'Pod', ld(2, ld(14, podSec)));
    const spec = decoded(decodeKubernetesProtobuf(bytes)).spec as JsonObject;
    assert.deepEqual(spec.securityContext, { supplementalGroups: [1, 2, 3, -1] });
  });

  test('inline structs (Probe.handler, selector name) land in the parent object', () => {
    const probe = cat(ld(1, ld(3, ld(1, vint(1, 0), vint(2, 8080), str(3, '')))), vint(4, 5));
    const env = cat(str(1, 'CFG'), ld(3, ld(3, ld(1, str(1, 'app-config')), str(2, 'k'))));
    const container = cat(str(1, 'c'), ld(7, env), ld(11, probe));
    const bytes = envelope('v1', 'Pod', ld(2, ld(2, container)));
    const c = ((decoded(decodeKubernetesProtobuf(bytes)).spec as JsonObject).containers as JsonObject[])[0];
    assert.deepEqual(c, {
      name: 'c',
      env: [{ name: 'CFG', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'k' } } }],
      resources: {},
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
    });
  });
});

describe('unknown fields are skipped and reported', () => {
  test('fields outside the schema at any depth, of any wire type', () => {
    const spec = cat(str(4, 'ClusterIP'), vint(99, 5), [0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8], [0xad, 0x06, 1, 2, 3, 4], ld(98, [0xff]));
    const bytes = envelope('v1', 'Pod', cat(ld(2, ld(34, str(1, 'debugger'))), vint(77, 1)));
    const r = decodeKubernetesProtobuf(bytes);
    assert.ok(r.ok);
    assert.deepEqual(r.skipped, ['spec.#34', '#77']);
    const r2 = decodeKubernetesProtobuf(service(spec));
    assert.ok(r2.ok);
    assert.deepEqual(r2.skipped, ['spec.#99', 'spec.#100', 'spec.#101', 'spec.#98']);
    assert.equal((r2.object.spec as JsonObject).type, 'ClusterIP');
  });
});

describe('errors are returned, never thrown', () => {
  test('missing magic: a JSON body, an empty body, 3 bytes', () => {
    for (const body of [Buffer.from('{"kind":"Namespace"}'), new Uint8Array(0), Uint8Array.from([0x6b, 0x38, 0x73])]) {
      const e = failure(decodeKubernetesProtobuf(body));
      assert.equal(e.code, 'missing-magic');
      assert.match(e.message, /k8s\\0/);
    }
  });

  test('truncated: every strict prefix of a real request fails cleanly', () => {
    const { bytes } = fixture('deployment-nsxtestdeploy');
    const codes = new Set<string>();
    for (let n = 4; n < bytes.length; n++) {
      const r = decodeKubernetesProtobuf(bytes.subarray(0, n));
      // A cut that lands on a field boundary of the envelope can still parse (fewer fields).
      if (!r.ok) codes.add(r.error.code);
    }
    assert.ok(codes.has('truncated'));
    assert.ok(![...codes].includes('internal'));
  });

  test('unknown kind lists the supported ones', () => {
    const e = failure(decodeKubernetesProtobuf(envelope('apps/v1', 'StatefulSet', [])));
    assert.equal(e.code, 'unknown-kind');
    assert.ok(e.code === 'unknown-kind');
    assert.equal(e.kind, 'StatefulSet');
    assert.match(e.message, /apps\/v1\/StatefulSet.*v1\/Namespace, v1\/Service, v1\/ConfigMap, v1\/Pod, apps\/v1\/Deployment/);
  });

  test('an envelope without typeMeta is an unknown kind', () => {
    const e = failure(decodeKubernetesProtobuf(Uint8Array.from(MAGIC)));
    assert.equal(e.code, 'unknown-kind');
    assert.match(e.message, /\(no apiVersion\)\/\(no kind\)/);
  });

  test('malformed varint inside the object', () => {
    // metadata.generation (field 7) with an 11-byte varint
    const meta = [0x38, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const e = failure(decodeKubernetesProtobuf(envelope('v1', 'Namespace', ld(1, meta))));
    assert.equal(e.code, 'malformed-varint');
  });

  test('wrong wire type for a known field names the field', () => {
    const e = failure(decodeKubernetesProtobuf(service(vint(3, 1))));
    assert.equal(e.code, 'wrong-wire-type');
    assert.equal('path' in e ? e.path : undefined, 'spec.clusterIP');
  });

  test('invalid IntOrString type names the port', () => {
    const e = failure(decodeKubernetesProtobuf(service(ld(1, ld(4, vint(1, 2))))));
    assert.equal(e.code, 'invalid-value');
    assert.equal('path' in e ? e.path : undefined, 'spec.ports[0].targetPort');
  });

  test('int64 beyond 2^53 is refused', () => {
    const e = failure(decodeKubernetesProtobuf(service([], cat(vint(7, 2n ** 60n)))));
    assert.equal(e.code, 'invalid-value');
  });

  test('fieldsV1 that is not JSON, and a quantity that is not a quantity', () => {
    const mf = ld(17, ld(7, str(1, '{not json')));
    assert.equal(failure(decodeKubernetesProtobuf(service([], mf))).code, 'invalid-value');
    const q = ld(2, ld(2, ld(8, ld(1, str(1, 'cpu'), ld(2, str(1, 'lots'))))));
    assert.equal(failure(decodeKubernetesProtobuf(envelope('v1', 'Pod', q))).code, 'invalid-value');
  });

  test('content encodings other than none, and non-protobuf content types', () => {
    const gz = cat(MAGIC, ld(1, str(1, 'v1'), str(2, 'Namespace')), ld(2), str(3, 'gzip'));
    assert.equal(failure(decodeKubernetesProtobuf(gz)).code, 'unsupported-encoding');
    const js = cat(MAGIC, ld(1, str(1, 'v1'), str(2, 'Namespace')), ld(2), str(4, 'application/json'));
    assert.equal(failure(decodeKubernetesProtobuf(js)).code, 'unsupported-encoding');
  });
});
