import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/index.js';
import type { KeyValue } from '../store/types.js';
import { decodeShared, metadataOpenOffset, stampedJson, watchLine } from './raw-json.js';
import { decodeKv, encodeObject } from './storage.js';

const kvOf = (value: string | Uint8Array, modRevision = 42): KeyValue => ({
  key: '/registry/core/pods/default/p',
  value: typeof value === 'string' ? Buffer.from(value) : value,
  createRevision: 7,
  modRevision,
});

describe('raw JSON fast paths', () => {
  test('stamped bytes parse to exactly what decodeKv gives', () => {
    const objs: KubeObject[] = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } as KubeObject,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } as KubeObject,
      // spec before metadata, with a nested "metadata" and a string value "metadata"
      { spec: { template: { metadata: { labels: { x: 'y' } } }, note: 'metadata' }, apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } as unknown as KubeObject,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'q', annotations: { 'say': '"metadata":{ \\" }' } }, data: { metadata: '{' } } as unknown as KubeObject,
    ];
    for (const o of objs) {
      const kv = kvOf(encodeObject(o), 1234);
      assert.deepEqual(JSON.parse(stampedJson(kv).toString('utf8')), decodeKv(kv));
    }
  });

  test('the top-level metadata object is found, nothing nested or quoted', () => {
    const s = '{"a":{"metadata":{}},"b":"metadata","metadata" : {"name":"x"}}';
    const at = metadataOpenOffset(Buffer.from(s));
    assert.equal(s.slice(at), '"name":"x"}}');
    assert.equal(metadataOpenOffset(Buffer.from('{"kind":"X"}')), -1);
    assert.equal(metadataOpenOffset(Buffer.from('{"metadata":null}')), -1);
  });

  test('an empty metadata object gets the field without a trailing comma', () => {
    const kv = kvOf('{"kind":"X","metadata":{}}');
    assert.equal(stampedJson(kv).toString(), '{"kind":"X","metadata":{"resourceVersion":"42"}}');
  });

  test('watch events: one decode and one serialization shared by every watcher', () => {
    const kv = kvOf(encodeObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } as KubeObject), 9);
    const a = decodeShared(kv);
    assert.equal(decodeShared(kv), a);
    assert.equal(a.metadata.resourceVersion, '9');
    const line = watchLine('MODIFIED', a);
    assert.equal(line, `${JSON.stringify({ type: 'MODIFIED', object: a })}\n`);
    assert.equal(watchLine('MODIFIED', a), line);
    assert.equal(watchLine('BOOKMARK', { metadata: { resourceVersion: '9' } }), '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}\n');
  });
});
