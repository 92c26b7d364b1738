// Test harness for node agent scenarios: an in-process API server (MemoryStore), node agents
// with FakeRuntimes on a shared FakeClock (agent time), and small helpers to create pods with
// spec.nodeName set directly (no scheduler) and to wait for API-visible effects.
// Not a test file itself (no `.test.ts` suffix).
import type { Event, Namespace, Pod, PodSpec } from '../../src/api/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/api-server.js';
import { isNotFound, Resources, RestClient } from '../../src/client/index.js';
import { FakeClock, type Clock } from '../../src/core/index.js';
import { FakeRuntime, NodeAgent, routeByNode, type ExecOutcome, type FakeRuntimeOptions, type NodeAgentConfig, type PodRuntime } from '../../src/node/index.js';
import { MemoryStore } from '../../src/store/index.js';

export const TOKEN = 'tok';

export const LAB_NODES: Readonly<Record<string, { ip: string; role: 'control-plane' | 'worker' }>> = {
  'k8s-master': { ip: '10.190.5.10', role: 'control-plane' },
  'k8s-node1': { ip: '10.190.5.11', role: 'worker' },
  'k8s-node2': { ip: '10.190.5.12', role: 'worker' },
};

export interface Lab {
  readonly api: RunningApiServer;
  readonly client: RestClient;
  readonly clock: FakeClock;
  readonly agents: Map<string, NodeAgent>;
  /** The FakeRuntimes of the agents (other runtimes are not listed). */
  readonly runtimes: Map<string, FakeRuntime>;
  /**
   * Starts an agent for a lab node (a new FakeRuntime unless one is given). `clock` replaces
   * the shared FakeClock as agent time (agents on an emulated network run on the real clock).
   */
  startAgent(name: string, opts?: { runtime?: PodRuntime; runtimeOptions?: FakeRuntimeOptions; config?: Partial<NodeAgentConfig>; clock?: Clock }): Promise<NodeAgent>;
  createNamespace(name: string): Promise<void>;
  createPod(namespace: string, name: string, node: string, spec?: Partial<PodSpec>, labels?: Record<string, string>): Promise<Pod>;
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  events(namespace: string, podName: string): Promise<Event[]>;
  /** `kubectl exec` into the pod's first container through its agent's connector (no tty, no stdin). */
  exec(namespace: string, pod: string, command: readonly string[]): Promise<{ readonly code: number; readonly out: string }>;
  /** Polls (real time) until `fn` returns a value other than undefined/false. */
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Advances agent time in steps, letting async work run between steps. */
  advance(ms: number, stepMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startLab(): Promise<Lab> {
  const api = await startApiServer({ store: new MemoryStore(), tokens: new Map([[TOKEN, 'admin']]), port: 0, advertiseAddress: '10.190.5.10' });
  const client = new RestClient({ handler: api.http.handle, token: TOKEN });
  const clock = new FakeClock(Date.now());
  const agents = new Map<string, NodeAgent>();
  const runtimes = new Map<string, FakeRuntime>();
  api.setConnector(routeByNode((n) => agents.get(n)?.connector));

  const lab: Lab = {
    api,
    client,
    clock,
    agents,
    runtimes,
    async startAgent(name, opts = {}) {
      const node = LAB_NODES[name] ?? { ip: '10.190.5.99', role: 'worker' as const };
      const runtime = opts.runtime ?? new FakeRuntime({ clock, ...opts.runtimeOptions });
      if (runtime instanceof FakeRuntime) runtimes.set(name, runtime);
      const agentClient = new RestClient({ handler: api.http.handle, token: TOKEN, userAgent: `kubelet/${name}` });
      const agent = new NodeAgent({ client: agentClient, runtime, clock: opts.clock ?? clock, config: { nodeName: name, internalIP: node.ip, role: node.role, ...opts.config } });
      await agent.start();
      agents.set(name, agent);
      return agent;
    },
    async createNamespace(name) {
      await client.create<Namespace>(Resources.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
    createPod(namespace, name, node, spec = {}, labels = {}) {
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, labels: { app: name, ...labels } },
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
    async events(namespace, podName) {
      const list = await client.list<Event>(Resources.events, namespace, { fieldSelector: `involvedObject.name=${podName}` });
      return list.items;
    },
    async exec(namespace, name, command) {
      const pod = await lab.getPod(namespace, name);
      if (pod === undefined) throw new Error(`no pod ${namespace}/${name}`);
      const agent = agents.get(pod.spec?.nodeName ?? '');
      if (agent === undefined) throw new Error(`pod ${name} is not on a node with an agent`);
      let out = '';
      const io = { stdout: (d: Uint8Array) => (out += Buffer.from(d).toString()), stderr: (d: Uint8Array) => (out += Buffer.from(d).toString()) };
      const container = pod.spec?.containers[0]?.name ?? '';
      const r = await agent.connector.exec(pod, { container, command, stdin: false, stdout: true, stderr: true, tty: false }, io);
      if (r.kind !== 'started') throw new Error(`exec refused: ${r.message}`);
      const o: ExecOutcome = await r.session.done;
      return o.kind === 'error' ? { code: -1, out: `${out}${o.message}` } : { code: o.exitCode, out };
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
        await sleep(10);
      }
    },
    async advance(ms, stepMs = 1000) {
      for (let done = 0; done < ms; done += stepMs) {
        clock.advance(Math.min(stepMs, ms - done));
        await sleep(2);
      }
    },
    async stop() {
      for (const a of agents.values()) await a.stop();
      client.close();
      await api.close();
    },
  };
  return lab;
}

/** "1/1 Running" style summary of a pod, for readable assertions. */
export function podSummary(p: Pod | undefined): string {
  if (p === undefined) return 'absent';
  const cs = p.status?.containerStatuses ?? [];
  return `${cs.filter((c) => c.ready).length}/${p.spec?.containers.length ?? 0} ${p.status?.phase ?? '?'} ${p.status?.podIP ?? '-'}`;
}

export function isReady(p: Pod | undefined): boolean {
  return p?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}
