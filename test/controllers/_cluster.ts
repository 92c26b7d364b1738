// Test harness: an in-process API server (MemoryStore), the controllers, the lab's three
// Nodes created by hand, and a minimal stand-in for the kubelet that marks bound pods
// Running/Ready with a pod IP and finishes graceful deletions. (The real node agent lives
// in src/node; these tests only need its API-visible effects.)
import type { KubeObject, Node, Pod } from '../../src/api/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { Informer, Resources, RestClient, isNotFound, type ResourceRef } from '../../src/client/index.js';
import { startControllers, type ControllerManagerOptions, type RunningControllers } from '../../src/controllers/index.js';
import { realClock } from '../../src/core/index.js';
import { MemoryStore, type Store } from '../../src/store/index.js';

export const NODES = ['k8s-master', 'k8s-node1', 'k8s-node2'] as const;

export function labNode(name: string, i: number): Node {
  const master = name === 'k8s-master';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(master ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, ...(master ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}) },
  };
}

const readyStatus = (now: string): NonNullable<Node['status']> => ({
  conditions: [{ type: 'Ready', status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
  addresses: [{ type: 'InternalIP', address: '10.190.5.10' }],
});

export interface FakeKubelet {
  /** Overrides readiness for a pod (by name) from now on; the kubelet writes it at once. */
  setReady(namespace: string, name: string, ready: boolean): Promise<void>;
  /** When false, pods being deleted stay terminating until allowed again. */
  finishDeletions: boolean;
  stop(): void;
}

export interface TestCluster {
  readonly server: RunningApiServer;
  readonly client: RestClient;
  readonly controllers: RunningControllers;
  readonly kubelet: FakeKubelet;
  stop(): Promise<void>;
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function startFakeKubelet(client: RestClient, nodes: readonly string[] = NODES): FakeKubelet {
  const inf = new Informer<Pod>({ client, resource: Resources.pods });
  const ipCounters = new Map<string, number>();
  const ips = new Map<string, string>();
  const overrides = new Map<string, boolean>();
  const inFlight = new Set<string>();
  let stopped = false;
  const kubelet: FakeKubelet = {
    finishDeletions: true,
    setReady: async (namespace, name, ready) => {
      overrides.set(`${namespace}/${name}`, ready);
      const p = inf.getByName(namespace, name);
      if (p !== undefined) await writeStatus(p);
    },
    stop: () => {
      stopped = true;
      inf.stop();
    },
  };
  const ipFor = (p: Pod): string => {
    const key = p.metadata.uid ?? '';
    let ip = ips.get(key);
    if (ip === undefined) {
      const node = p.spec?.nodeName ?? '';
      const n = (ipCounters.get(node) ?? 1) + 1;
      ipCounters.set(node, n);
      ip = `10.244.${Math.max(0, nodes.indexOf(node))}.${n}`;
      ips.set(key, ip);
    }
    return ip;
  };
  const writeStatus = async (p: Pod): Promise<void> => {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    const ready = overrides.get(key) ?? true;
    const now = rfc3339(Date.now());
    const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
    const status = {
      phase: 'Running',
      hostIP: '10.190.5.11',
      podIP: ipFor(p),
      podIPs: [{ ip: ipFor(p) }],
      startTime: now,
      conditions: [cond('PodReadyToStartContainers', true), cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
      containerStatuses: (p.spec?.containers ?? []).map((c) => ({ name: c.name, ready, restartCount: 0, image: c.image ?? '', imageID: '', started: true, state: { running: { startedAt: now } } })),
    };
    try {
      await client.patch(Resources.pods, p.metadata.namespace, p.metadata.name ?? '', 'merge', { status }, { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  };
  const handle = (p: Pod) => {
    if (stopped) return;
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (inFlight.has(key) || p.spec?.nodeName === undefined || p.spec.nodeName === '') return;
    const want = overrides.get(key) ?? true;
    const isReady = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === (want ? 'True' : 'False')) === true;
    let work: Promise<unknown> | undefined;
    if (p.metadata.deletionTimestamp !== undefined) {
      if (kubelet.finishDeletions) work = client.delete(Resources.pods, p.metadata.namespace, p.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
    } else if (p.status?.phase !== 'Running' || !isReady) {
      work = writeStatus(p);
    }
    if (work === undefined) return;
    inFlight.add(key);
    void work.catch(() => undefined).finally(() => {
      inFlight.delete(key);
      const cur = inf.get(key);
      if (cur !== undefined) handle(cur);
    });
  };
  inf.addHandler({ onAdd: handle, onUpdate: (_, p) => handle(p) });
  inf.start();
  return kubelet;
}

export async function startCluster(opts: { store?: Store; controllers?: ControllerManagerOptions; overHttp?: boolean } = {}): Promise<TestCluster> {
  const server = await startApiServer({ store: opts.store ?? new MemoryStore(), tokens: new Map([['tok', 'admin']]), port: 0, extraNamespaces: ['demons'] });
  // In-process by default; overHttp drives the same server through a loopback socket.
  const client = opts.overHttp === true ? new RestClient({ server: server.url, token: 'tok' }) : new RestClient({ handler: server.http.handle, token: 'tok' });
  for (const [i, name] of NODES.entries()) {
    const n = await client.create<Node>(Resources.nodes, undefined, labNode(name, i));
    await client.updateStatus<Node>(Resources.nodes, undefined, { ...n, status: readyStatus(rfc3339(Date.now())) });
  }
  const controllers = startControllers(client, { clock: realClock, ...opts.controllers });
  await controllers.synced;
  const kubelet = startFakeKubelet(client);
  return {
    server,
    client,
    controllers,
    kubelet,
    stop: async () => {
      kubelet.stop();
      await controllers.stop();
      client.close();
      await server.close();
    },
  };
}

/** Polls `fn` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last !== undefined ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function list<T extends KubeObject>(client: RestClient, ref: ResourceRef, ns: string, labelSelector?: string): Promise<T[]> {
  return (await client.list<T>(ref, ns, labelSelector !== undefined ? { labelSelector } : {})).items;
}
