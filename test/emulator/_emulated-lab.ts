// Test harness: an in-process API server (MemoryStore), the emulated NSX network on the real
// clock (bin/emulator.ts) and node agents running pods on it. Pods are created with
// spec.nodeName set directly (no scheduler). Not a test file itself.
import type { Event, Namespace, Pod, PodSpec } from '../../src/api/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { isNotFound, Resources, RestClient } from '../../src/client/index.js';
import { NodeAgent, routeByNode, type ExecOutcome } from '../../src/node/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { buildEmulator, type Emulator } from '../../bin/emulator.js';

const TOKEN = 'emulator-test-token';

export const NODES = [
  { nodeName: 'k8s-master', internalIP: '10.190.5.10', role: 'control-plane' as const },
  { nodeName: 'k8s-node1', internalIP: '10.190.5.11', role: 'worker' as const },
  { nodeName: 'k8s-node2', internalIP: '10.190.5.12', role: 'worker' as const },
];

export interface ExecResult {
  readonly code: number;
  readonly out: string;
}

export interface EmulatedLab {
  readonly api: RunningApiServer;
  readonly client: RestClient;
  readonly emulator: Emulator;
  readonly agents: ReadonlyMap<string, NodeAgent>;
  createNamespace(name: string): Promise<void>;
  createPod(namespace: string, name: string, node: string, spec?: Partial<PodSpec>): Promise<Pod>;
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  /** Waits (real time) until the pod is Running and Ready. */
  ready(namespace: string, name: string, timeoutMs?: number): Promise<Pod>;
  events(namespace: string, podName: string): Promise<Event[]>;
  /** `kubectl exec` through the node agent's connector (no tty, no stdin). */
  exec(namespace: string, pod: string, command: readonly string[]): Promise<ExecResult>;
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startEmulatedLab(opts: { readonly seed?: number } = {}): Promise<EmulatedLab> {
  const api = await startApiServer({ store: new MemoryStore(), tokens: new Map([[TOKEN, 'admin']]), port: 0, advertiseAddress: '10.190.5.10' });
  const client = new RestClient({ handler: api.http.handle, token: TOKEN });
  const emulator = buildEmulator({ nodes: NODES, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const agents = new Map<string, NodeAgent>();
  api.setConnector(routeByNode((n) => agents.get(n)?.connector));
  for (const n of NODES) {
    const agentClient = new RestClient({ handler: api.http.handle, token: TOKEN, userAgent: `kubelet/${n.nodeName}` });
    const agent = new NodeAgent({ client: agentClient, runtime: emulator.runtimeFor(n.nodeName), config: { ...n } });
    await agent.start();
    agents.set(n.nodeName, agent);
  }
  // The real clock's timers are unref'd: keep the process alive while packets are in flight.
  const keepAlive = setInterval(() => {}, 1000);

  const lab: EmulatedLab = {
    api,
    client,
    emulator,
    agents,
    async createNamespace(name) {
      await client.create<Namespace>(Resources.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
    createPod(namespace, name, node, spec = {}) {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels: { app: name } },
        spec: { nodeName: node, containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo', ports: [{ containerPort: 80 }] }], ...spec },
      };
      return client.create<Pod>(Resources.pods, namespace, pod);
    },
    async getPod(namespace, name) {
      try {
        return await client.get<Pod>(Resources.pods, namespace, name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    ready(namespace, name, timeoutMs = 10_000) {
      return lab.waitFor(
        `${namespace}/${name} ready`,
        async () => {
          const p = await lab.getPod(namespace, name);
          return p?.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
        },
        timeoutMs,
      );
    },
    async events(namespace, podName) {
      return (await client.list<Event>(Resources.events, namespace, { fieldSelector: `involvedObject.name=${podName}` })).items;
    },
    async exec(namespace, name, command) {
      const pod = await lab.getPod(namespace, name);
      if (pod === undefined) throw new Error(`no pod ${namespace}/${name}`);
      const agent = agents.get(pod.spec?.nodeName ?? '');
      if (agent === undefined) throw new Error(`pod ${name} is not on a lab node`);
      let out = '';
      const io = { stdout: (d: Uint8Array) => (out += Buffer.from(d).toString()), stderr: (d: Uint8Array) => (out += Buffer.from(d).toString()) };
      const container = pod.spec?.containers[0]?.name ?? '';
      const r = await agent.connector.exec(pod, { container, command, stdin: false, stdout: true, stderr: true, tty: false }, io);
      if (r.kind !== 'started') throw new Error(`exec refused: ${r.message}`);
      const o: ExecOutcome = await r.session.done;
      if (o.kind === 'error') return { code: -1, out: `${out}${o.message}` };
      return { code: o.exitCode, out };
    },
    async waitFor(what, fn, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await fn();
          if (v !== undefined && v !== false) return v as never;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ''}`);
        await sleep(20);
      }
    },
    async stop() {
      for (const a of agents.values()) await a.stop();
      await emulator.stop();
      client.close();
      await api.close();
      clearInterval(keepAlive);
    },
  };
  return lab;
}
