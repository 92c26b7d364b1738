import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESOURCES } from '../registry.js';
import { componentSchemas, knownGroupVersionKinds, referencedComponents, refTarget, resolveSchema, schemaFor } from './catalog.js';
import type { OpenApiSchema } from './openapi-types.js';

function* allSchemas(s: OpenApiSchema): Generator<OpenApiSchema> {
  yield s;
  for (const sub of s.allOf ?? []) yield* allSchemas(sub);
  for (const p of Object.values(s.properties ?? {})) yield* allSchemas(p);
  if (s.items !== undefined) yield* allSchemas(s.items);
  if (typeof s.additionalProperties === 'object') yield* allSchemas(s.additionalProperties);
}

describe('component schema table', () => {
  test('every reference resolves', () => {
    const dangling: string[] = [];
    for (const [name, schema] of Object.entries(componentSchemas)) {
      for (const s of allSchemas(schema)) {
        const t = refTarget(s);
        if (t !== undefined && componentSchemas[t] === undefined) dangling.push(`${name} -> ${t}`);
      }
    }
    assert.deepEqual(dangling, []);
  });

  test('is plain JSON data', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(componentSchemas)), componentSchemas);
  });

  test('every type and field has a description (kubectl explain prints them)', () => {
    const missing: string[] = [];
    for (const [name, s] of Object.entries(componentSchemas)) {
      if (s.description === undefined) missing.push(name);
      for (const [p, ps] of Object.entries(s.properties ?? {})) if (ps.description === undefined) missing.push(`${name}.${p}`);
    }
    assert.deepEqual(missing, []);
  });

  test('every stored kind in the registry, its list kind and each subresource body kind has a schema', () => {
    const missing: string[] = [];
    for (const r of RESOURCES) {
      const kinds = [r.kind, ...(r.verbs.includes('list') ? [r.listKind] : [])];
      for (const k of kinds) if (schemaFor({ group: r.group, version: r.version, kind: k }) === undefined) missing.push(`${r.group}/${r.version}/${k}`);
      for (const s of r.subresources) {
        if (s.kind.endsWith('Options')) continue; // connect options are query parameters, not bodies
        const g = { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind };
        if (schemaFor(g) === undefined) missing.push(`${g.group}/${g.version}/${g.kind}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  test('top-level kinds carry TypeMeta, metadata and their GVK', () => {
    const svc = schemaFor({ group: '', version: 'v1', kind: 'Service' });
    assert.equal(svc?.name, 'io.k8s.api.core.v1.Service');
    assert.deepEqual(svc?.schema['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Service' }]);
    // WatchEvent is the one tagged kind without TypeMeta, upstream too: it is a stream frame.
    for (const g of knownGroupVersionKinds().filter((k) => k.kind !== 'WatchEvent')) {
      const s = schemaFor(g)!.schema;
      assert.ok(s.properties?.['kind'] !== undefined && s.properties['apiVersion'] !== undefined, `${g.kind} lacks TypeMeta`);
    }
    const list = schemaFor({ group: 'apps', version: 'v1', kind: 'DeploymentList' })!.schema;
    assert.deepEqual(list.required, ['items']);
    assert.equal(refTarget(list.properties!['items']!.items!), 'io.k8s.api.apps.v1.Deployment');
  });

  test('scalar wire types match upstream', () => {
    const intstr = componentSchemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!;
    assert.deepEqual([intstr.type, intstr.format, intstr.oneOf], [undefined, 'int-or-string', [{ type: 'integer' }, { type: 'string' }]]);
    assert.equal(intstr['x-kubernetes-int-or-string'], true);
    assert.equal(componentSchemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time']?.format, 'date-time');
    assert.deepEqual(componentSchemas['io.k8s.apimachinery.pkg.api.resource.Quantity']?.oneOf, [{ type: 'string' }, { type: 'number' }]);
    const port = resolveSchema({ $ref: '#/components/schemas/io.k8s.api.core.v1.ServicePort' })!;
    assert.equal(port.properties?.['protocol']?.default, 'TCP');
    assert.deepEqual(port.required, ['port']);
  });

  test('referencedComponents follows refs transitively', () => {
    const names = referencedComponents(['io.k8s.api.core.v1.Service']);
    for (const n of ['io.k8s.api.core.v1.ServicePort', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.Time']) {
      assert.ok(names.has(n), n);
    }
    assert.ok(!names.has('io.k8s.api.core.v1.PodSpec'));
  });
});
