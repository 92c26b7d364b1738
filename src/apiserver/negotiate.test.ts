import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyFormat, negotiateOutput, parseMediaRanges } from './negotiate.js';

const KUBECTL_TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('negotiateOutput', () => {
  test("kubectl get's Table Accept header picks Table v1", () => {
    assert.deepEqual(negotiateOutput(KUBECTL_TABLE, { allowTable: true }), { kind: 'table', mediaType: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  });

  test('the same header falls back to plain JSON where Tables are not allowed', () => {
    assert.deepEqual(negotiateOutput(KUBECTL_TABLE, { allowTable: false }), { kind: 'json' });
  });

  test('Table v1beta1 alone', () => {
    assert.deepEqual(negotiateOutput('application/json;as=Table;v=v1beta1;g=meta.k8s.io', { allowTable: true }), { kind: 'table', mediaType: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' });
  });

  test('a Table from an unknown group or version is skipped', () => {
    assert.equal(negotiateOutput('application/json;as=Table;v=v1;g=example.com', { allowTable: true }), undefined);
    assert.equal(negotiateOutput('application/json;as=Table;v=v2;g=meta.k8s.io', { allowTable: true }), undefined);
  });

  test('PartialObjectMetadata and PartialObjectMetadataList', () => {
    assert.deepEqual(negotiateOutput('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json', { allowTable: true }), {
      kind: 'partial-metadata',
      mediaType: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
    });
    assert.deepEqual(negotiateOutput('application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io', { allowTable: false }), {
      kind: 'partial-metadata',
      mediaType: 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
    });
  });

  test('YAML media types', () => {
    for (const t of ['application/yaml', 'text/yaml', 'application/x-yaml']) assert.deepEqual(negotiateOutput(t, { allowTable: true }), { kind: 'yaml' }, t);
  });

  test('JSON, wildcards, no header', () => {
    for (const t of [undefined, '', 'application/json', '*/*', 'application/*', 'application/json, */*']) {
      assert.deepEqual(negotiateOutput(t, { allowTable: true }), { kind: 'json' }, String(t));
    }
  });

  test('protobuf-first clients (client-go) get JSON from the fallback', () => {
    assert.deepEqual(negotiateOutput('application/vnd.kubernetes.protobuf, */*', { allowTable: true }), { kind: 'json' });
  });

  test('q-values order the choices; q=0 excludes', () => {
    assert.deepEqual(negotiateOutput('application/json;q=0.5, application/yaml', { allowTable: true }), { kind: 'yaml' });
    assert.equal(negotiateOutput('application/json;q=0', { allowTable: true }), undefined);
  });

  test('nothing acceptable (406)', () => {
    for (const t of ['application/xml', 'text/html', 'application/vnd.kubernetes.protobuf', 'application/json;as=Foo;v=v1;g=meta.k8s.io']) {
      assert.equal(negotiateOutput(t, { allowTable: true }), undefined, t);
    }
  });
});

describe('parseMediaRanges', () => {
  test('parameters are parsed, quotes dropped, types lower-cased', () => {
    assert.deepEqual(parseMediaRanges('Application/JSON; as="Table" ; v=v1;g=meta.k8s.io'), [{ type: 'application/json', params: { as: 'Table', v: 'v1', g: 'meta.k8s.io' }, q: 1 }]);
  });
});

describe('bodyFormat', () => {
  const cases: Array<[string | undefined, ReturnType<typeof bodyFormat>]> = [
    [undefined, 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/yaml', 'yaml'],
    ['application/vnd.kubernetes.protobuf', 'protobuf'],
    ['application/json-patch+json', 'json-patch'],
    ['application/merge-patch+json', 'merge-patch'],
    ['application/strategic-merge-patch+json', 'strategic-merge-patch'],
    ['application/apply-patch+yaml', 'apply-patch'],
    ['application/apply-patch+cbor', undefined],
    ['text/plain', undefined],
    ['application/xml', undefined],
  ];
  for (const [ct, want] of cases) test(String(ct), () => assert.equal(bodyFormat(ct), want));
});
