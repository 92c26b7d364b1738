import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { APIGroupDiscoveryList } from './aggregated-discovery.js';
import { defaultDiscoveryInput } from './default-input.js';
import type { DiscoveryDoc, DiscoveryLookup } from './discovery-docs.js';
import { createDiscoveryDocs } from './discovery-docs.js';
import type { APIGroupList, APIResourceList, APIVersions } from './legacy-discovery.js';
import type { OpenApiV3Document, OpenApiV3Index } from './openapi-v3.js';
import type { SwaggerDocument } from './openapi-v2.js';

const docs = createDiscoveryDocs(defaultDiscoveryInput('10.190.5.10:6443'));
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

function get(path: string, accept?: string, query = ''): DiscoveryDoc {
  const r: DiscoveryLookup = docs.lookup(path, new URLSearchParams(query), accept);
  assert.equal(r.kind, 'doc', `${path}: ${JSON.stringify(r)}`);
  return (r as Extract<DiscoveryLookup, { kind: 'doc' }>).doc;
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('/version', () => {
  test('reports 1.32 so the kubectl dispatcher picks its 1.32 binary', () => {
    const v = get('/version').body as { major: string; minor: string; gitVersion: string; platform: string; compiler: string };
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\.\d+/);
    assert.equal(v.compiler, 'gc');
    assert.deepEqual(docs.version(), v);
  });
});

describe('legacy discovery', () => {
  test('/api lists v1 with the server address', () => {
    const d = get('/api', 'application/json, */*');
    assert.equal(d.contentType, 'application/json');
    assert.deepEqual(d.body as APIVersions, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.190.5.10:6443' }],
    });
  });

  test('/apis lists named groups with their preferred version', () => {
    const d = get('/apis').body as APIGroupList;
    assert.deepEqual(d.groups.map((g) => g.name), ['apps', 'coordination.k8s.io', 'discovery.k8s.io', 'svcnet.io']);
    assert.deepEqual(d.groups[0]?.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    assert.deepEqual((get('/apis/apps').body as { kind: string }).kind, 'APIGroup');
  });

  test('/api/v1 resources, subresources and hashes', () => {
    const list = get('/api/v1').body as APIResourceList;
    assert.equal(list.groupVersion, 'v1');
    const byName = new Map(list.resources.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('services'), {
      name: 'services', singularName: 'service', namespaced: true, kind: 'Service',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'], categories: ['all'], storageVersionHash: '0/CO1lhkEBI=',
    });
    assert.equal(byName.get('pods')?.storageVersionHash, 'xPOwRZ+Yhw8=');
    assert.deepEqual(byName.get('pods/exec'), { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
    assert.deepEqual(byName.get('services/status')?.verbs, ['get', 'patch', 'update']);
    assert.equal(byName.get('bindings')?.storageVersionHash, undefined);
    assert.equal(byName.get('nodes')?.namespaced, false);
    // subresources follow their parent
    const names = list.resources.map((r) => r.name);
    assert.ok(names.indexOf('pods/status') === names.indexOf('pods/log') + 1 && names.indexOf('pods') < names.indexOf('pods/attach'));
  });

  test('/apis/apps/v1 scale subresource names its autoscaling kind', () => {
    const list = get('/apis/apps/v1').body as APIResourceList;
    assert.deepEqual(list.resources.find((r) => r.name === 'deployments/scale'), {
      name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
    });
  });

  test('unknown groups and versions are not found', () => {
    for (const p of ['/apis/batch', '/apis/apps/v2', '/api/v2', '/apis/apps/v1/deployments', '/nope']) {
      assert.equal(docs.lookup(p, new URLSearchParams(), undefined).kind, 'not-found', p);
    }
  });
});

describe('aggregated discovery', () => {
  test('served when asked for, echoing the content type', () => {
    const d = get('/apis', KUBECTL_ACCEPT);
    assert.equal(d.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.equal(d.headers['Vary'], 'Accept');
    const list = d.body as APIGroupDiscoveryList;
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2');
    const apps = list.items.find((i) => i.metadata.name === 'apps')!;
    const deploy = apps.versions[0]!.resources.find((r) => r.resource === 'deployments')!;
    assert.deepEqual(deploy.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(deploy.scope, 'Namespaced');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.subresources?.find((s) => s.subresource === 'scale'), {
      subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'],
    });
    assert.equal(apps.versions[0]!.freshness, 'Current');
  });

  test('/api holds only the core group, unnamed', () => {
    const list = get('/api', KUBECTL_ACCEPT).body as APIGroupDiscoveryList;
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]!.metadata.name, undefined);
    const nodes = list.items[0]!.versions[0]!.resources.find((r) => r.resource === 'nodes')!;
    assert.equal(nodes.scope, 'Cluster');
  });

  test('v2beta1 for older clients; protobuf-only is not acceptable', () => {
    const d = get('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    assert.equal(d.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    assert.equal((d.body as APIGroupDiscoveryList).apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.equal(docs.lookup('/apis', new URLSearchParams(), 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList').kind, 'not-acceptable');
    // An unrelated "as" (e.g. Table) is skipped in favour of the next acceptable range.
    assert.equal(get('/apis', 'application/json;as=Table;g=meta.k8s.io;v=v1, application/json').contentType, 'application/json');
  });
});

describe('OpenAPI v3', () => {
  const index = get('/openapi/v3').body as OpenApiV3Index;

  test('index points at every group-version with a content hash', () => {
    assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/svcnet.io/v1alpha1']);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      assert.match(serverRelativeURL, new RegExp(`^/openapi/v3/${key.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
    }
  });

  test('a pinned hash is immutable and equals sha512 of the served bytes', () => {
    const url = new URL(index.paths['api/v1']!.serverRelativeURL, 'http://x');
    const d = get(url.pathname, undefined, url.search);
    assert.equal(d.headers['Cache-Control'], 'public, immutable');
    assert.equal(url.searchParams.get('hash'), createHash('sha512').update(JSON.stringify(d.body)).digest('hex').toUpperCase());
    assert.equal(get(url.pathname).headers['Cache-Control'], 'no-cache, private');
  });

  for (const key of ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1']) {
    test(`${key}: PATCH operations carry the GVK and fieldValidation; every ref resolves`, () => {
      const doc = get(`/openapi/v3/${key}`).body as OpenApiV3Document;
      assert.equal(doc.openapi, '3.0.0');
      let patches = 0;
      for (const [p, item] of Object.entries(doc.paths)) {
        const patch = item.patch;
        if (patch === undefined) continue;
        patches++;
        assert.ok(patch['x-kubernetes-group-version-kind'] !== undefined, p);
        assert.equal(patch['x-kubernetes-action'], 'patch');
        assert.ok(patch.parameters?.some((q) => q.name === 'fieldValidation' && q.in === 'query'), p);
        assert.deepEqual(Object.keys(patch.requestBody?.content ?? {}).sort(), [
          'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
        ]);
      }
      assert.ok(patches > 0);
      for (const r of refsIn(doc)) {
        assert.ok(r.startsWith('#/components/schemas/'), r);
        assert.ok(doc.components.schemas[r.slice('#/components/schemas/'.length)] !== undefined, r);
      }
      for (const meta of ['Status', 'DeleteOptions', 'Patch', 'ObjectMeta', 'WatchEvent']) {
        assert.ok(doc.components.schemas[`io.k8s.apimachinery.pkg.apis.meta.v1.${meta}`] !== undefined, meta);
      }
    });
  }

  test('core/v1 document: operation ids and the Service schema', () => {
    const doc = get('/openapi/v3/api/v1').body as OpenApiV3Document;
    const item = doc.paths['/api/v1/namespaces/{namespace}/services/{name}']!;
    assert.equal(item.patch?.operationId, 'patchCoreV1NamespacedService');
    assert.deepEqual(item.patch?.['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Service' });
    assert.deepEqual(item.patch?.tags, ['core_v1']);
    assert.equal(doc.paths['/api/v1/services']?.get?.operationId, 'listCoreV1ServiceForAllNamespaces');
    assert.equal(doc.paths['/api/v1/namespaces/{namespace}/services']?.delete?.operationId, 'deleteCoreV1CollectionNamespacedService');
    assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']?.get?.operationId, 'connectCoreV1GetNamespacedPodExec');
    assert.equal(doc.paths['/api/v1/nodes/{name}/status']?.patch?.operationId, 'patchCoreV1NodeStatus');
    const svc = doc.components.schemas['io.k8s.api.core.v1.Service']!;
    assert.deepEqual(svc['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Service' }]);
    assert.equal(doc.components.schemas['io.k8s.api.apps.v1.Deployment'], undefined, 'other groups stay in their own documents');
  });

  test('apps/v1 scale PATCH is tagged with autoscaling/v1 Scale', () => {
    const doc = get('/openapi/v3/apis/apps/v1').body as OpenApiV3Document;
    const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
    assert.equal(scale.patch?.operationId, 'patchAppsV1NamespacedDeploymentScale');
    assert.deepEqual(scale.patch?.['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.ok(doc.components.schemas['io.k8s.api.autoscaling.v1.Scale'] !== undefined);
  });
});

describe('OpenAPI v2', () => {
  const doc = get('/openapi/v2', 'application/json').body as SwaggerDocument;

  test('swagger 2.0 with definitions and refs rewritten', () => {
    assert.equal(doc.swagger, '2.0');
    const refs = refsIn(doc);
    assert.ok(refs.length > 0);
    for (const r of refs) {
      assert.ok(r.startsWith('#/definitions/'), r);
      assert.ok(doc.definitions[r.slice('#/definitions/'.length)] !== undefined, r);
    }
    assert.ok(!JSON.stringify(doc).includes('"allOf"'), 'described refs are unwrapped for v2');
    const port = doc.definitions['io.k8s.api.core.v1.ServicePort'] as { properties: Record<string, { $ref?: string; description?: string }> };
    assert.equal(port.properties['targetPort']?.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    assert.match(port.properties['targetPort']?.description ?? '', /Port on the pods/);
    assert.ok(!JSON.stringify(doc).includes('"oneOf"'), 'Swagger 2.0 has no oneOf');
    assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
      type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true,
      description: (doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] as { description: string }).description,
    });
    assert.equal((doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] as { type: string }).type, 'string');
  });

  test('covers every group-version; PATCH keeps the GVK and fieldValidation', () => {
    for (const p of ['/api/v1/namespaces/{namespace}/services/{name}', '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}']) {
      const patch = doc.paths[p]?.['patch'] as { parameters: { name: string; in: string }[]; consumes: string[]; 'x-kubernetes-group-version-kind': unknown } | undefined;
      assert.ok(patch !== undefined, p);
      assert.ok(patch.parameters.some((q) => q.name === 'fieldValidation' && q.in === 'query'));
      assert.ok(patch.parameters.some((q) => q.name === 'body' && q.in === 'body'));
      assert.equal(patch.consumes.length, 4);
      assert.ok(patch['x-kubernetes-group-version-kind'] !== undefined);
    }
  });

  test('only JSON is served: a protobuf-only Accept is not acceptable', () => {
    assert.equal(docs.lookup('/openapi/v2', new URLSearchParams(), 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf').kind, 'not-acceptable');
  });
});
