// The official JavaScript client (@kubernetes/client-node 1.4.0; 2.x needs Node 22)
// against svcnet up: list, create, patch, and an informer that watches.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startLab, type LabProcess } from '../helpers/lab-process.js';

let lab: LabProcess;
let kc: k8s.KubeConfig;

describe('@kubernetes/client-node against svcnet up', { timeout: 120_000 }, () => {
  before(async () => {
    lab = await startLab();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfig);
  });
  after(async () => {
    await lab?.stop();
  });

  test('list namespaces and services', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ns = await core.listNamespace();
    assert.deepEqual(ns.items.map((n) => n.metadata?.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'nsx-system']);
    const svcs = await core.listServiceForAllNamespaces();
    const k = svcs.items.find((s) => s.metadata?.name === 'kubernetes');
    assert.equal(k?.spec?.clusterIP, '10.96.0.1');
    assert.equal(k?.spec?.ports?.[0]?.port, 443);
  });

  test('create and patch a service; errors surface as ApiException with the Status', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'demons' } } });
    const created = await core.createNamespacedService({
      namespace: 'demons',
      body: { metadata: { name: 'nsxtestservice', labels: { app: 'nsxtestservice' } }, spec: { selector: { app: 'nsxtestservice' }, ports: [{ name: '80-80', port: 80, targetPort: 80 }] } },
    });
    assert.match(created.spec?.clusterIP ?? '', /^10\./);
    assert.equal(created.spec?.type, 'ClusterIP');
    const patched = await core.patchNamespacedService(
      { name: 'nsxtestservice', namespace: 'demons', body: { spec: { selector: { run: 'nsxtestapp', app: null } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.spec?.selector, { run: 'nsxtestapp' });
    await assert.rejects(
      () => core.createNamespacedService({ namespace: 'demons', body: { metadata: { name: 'nsxtestservice' }, spec: { ports: [{ port: 80 }] } } }),
      (e: unknown) => e instanceof k8s.ApiException && e.code === 409,
    );
  });

  test('an informer lists, then sees adds, updates and deletes through its watch', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/demons/services', () => core.listNamespacedService({ namespace: 'demons' }));
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${JSON.stringify(o.metadata?.labels ?? {})}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    await informer.start();
    const waitFor = async (pred: () => boolean, what: string) => {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}; events: ${events.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(() => events.includes('add nsxtestservice'), 'initial list');
      await core.createNamespacedService({ namespace: 'demons', body: { metadata: { name: 'watched' }, spec: { ports: [{ port: 8080 }] } } });
      await waitFor(() => events.includes('add watched'), 'add event');
      await core.patchNamespacedService({ name: 'watched', namespace: 'demons', body: { metadata: { labels: { seen: 'yes' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await waitFor(() => events.some((e) => e.startsWith('update watched') && e.includes('"seen":"yes"')), 'update event');
      await core.deleteNamespacedService({ name: 'watched', namespace: 'demons' });
      await waitFor(() => events.includes('delete watched'), 'delete event');
      assert.deepEqual(informer.list().map((s) => s.metadata?.name).sort(), ['nsxtestservice']);
    } finally {
      await informer.stop();
    }
  });
});
