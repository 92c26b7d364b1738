// The controllers are API clients like any other: the same Deployment + Service scenario
// converges when they talk to the API server over a loopback HTTP connection (SQLite store).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Deployment, EndpointSlice, Service } from '../../src/api/index.js';
import { Resources } from '../../src/client/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { eventually, list, startCluster, type TestCluster } from './_cluster.js';

let c: TestCluster;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'controllers-http-'));
  c = await startCluster({ overHttp: true, store: SqliteStore.open(join(dir, 'state.db')) });
  assert.match(c.client.server, /^http:\/\/127\.0\.0\.1:\d+/);
});
after(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('over HTTP with SQLite: a Deployment becomes available and its Service gets a slice', async () => {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demons' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
  };
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demons' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  await c.client.create(Resources.deployments, 'demons', d);
  await c.client.create(Resources.services, 'demons', svc);
  await eventually('available', async () => ((await c.client.get<Deployment>(Resources.deployments, 'demons', 'web')).status?.availableReplicas === 2 ? true : undefined));
  const slice = await eventually('slice', async () => {
    const s = (await list<EndpointSlice>(c.client, Resources.endpointslices, 'demons', 'kubernetes.io/service-name=web'))[0];
    return s?.endpoints.filter((e) => e.conditions?.ready === true).length === 2 ? s : undefined;
  });
  assert.deepEqual(slice.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
});
