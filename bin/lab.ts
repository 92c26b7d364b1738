// Assembles the lab that `svcnet up` runs. bin/ is the only place that imports every
// component; each piece talks to the others only through the Kubernetes API.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer } from '../src/apiserver/api-server.js';
import { loadOrCreateTls } from '../src/apiserver/tls.js';
import { RestClient, Resources } from '../src/client/index.js';
import { startControllers } from '../src/controllers/index.js';
import { createLogger } from '../src/core/index.js';
import { NodeAgent, routeByNode } from '../src/node/index.js';
import { SqliteStore } from '../src/store/index.js';
import { startEmulator, type RunningEmulator } from './emulator.js';
import { corednsDeployment, ensureObject, kubeDnsService } from './lab-objects.js';
import type { KubeObject } from '../src/api/index.js';

export interface LabOptions {
  readonly stateDir: string;
  readonly address: string;
  readonly port: number;
  readonly progress: (msg: string) => void;
}

export interface Lab {
  readonly server: string;
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

/** The article's lab: the API server advertises k8s-master's address. */
export const LAB = {
  serviceCidr: '10.96.0.0/12',
  nodePortRange: '30000-32767',
  advertiseAddress: '10.190.5.10',
  advertisePort: 6443,
  extraNamespaces: ['nsx-system'],
  nodes: [
    { nodeName: 'k8s-master', internalIP: '10.190.5.10', role: 'control-plane' },
    { nodeName: 'k8s-node1', internalIP: '10.190.5.11', role: 'worker' },
    { nodeName: 'k8s-node2', internalIP: '10.190.5.12', role: 'worker' },
  ],
} as const;

function loadOrCreateToken(dir: string): string {
  const p = join(dir, 'admin.token');
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  const t = randomBytes(24).toString('base64url');
  writeFileSync(p, t + '\n', { mode: 0o600 });
  return t;
}

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: svcnet',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: svcnet-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: svcnet',
    '  context:',
    '    cluster: svcnet',
    '    user: svcnet-admin',
    '    namespace: default',
    'current-context: svcnet',
    '',
  ].join('\n');
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  const log = createLogger('svcnet');
  mkdirSync(opts.stateDir, { recursive: true });
  opts.progress(`opening store ${join(opts.stateDir, 'store.db')}`);
  const store = SqliteStore.open(join(opts.stateDir, 'store.db'));
  let emulator: RunningEmulator | undefined;
  try {
    const tls = await loadOrCreateTls(join(opts.stateDir, 'pki'), {
      ips: ['127.0.0.1', '::1', opts.address, '10.96.0.1', LAB.advertiseAddress],
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    });
    const token = loadOrCreateToken(opts.stateDir);
    opts.progress('starting API server');
    const api = await startApiServer({
      store,
      log: log.child('apiserver'),
      address: opts.address,
      port: opts.port,
      tls: { cert: tls.certPem, key: tls.keyPem },
      tokens: new Map([[token, 'admin']]),
      serviceCidr: LAB.serviceCidr,
      nodePortRange: LAB.nodePortRange,
      advertiseAddress: LAB.advertiseAddress,
      advertisePort: LAB.advertisePort,
      extraNamespaces: LAB.extraNamespaces,
    });
    // Every component is an API client; in one process they use the in-process transport,
    // which still goes through the server's HTTP handling (auth, admission, watch).
    const clientFor = (component: string) => new RestClient({ handler: api.http.handle, token, userAgent: `svcnet-${component}` });
    // The emulated NSX network the pods run on (and its admin channel for `svcnet ofctl|vsctl|conntrack|trace`).
    opts.progress('building the emulated network');
    emulator = await startEmulator({ stateDir: opts.stateDir, nodes: LAB.nodes, log: log.child('emulator') });
    const agents = new Map<string, NodeAgent>();
    opts.progress(`starting node agents ${LAB.nodes.map((n) => n.nodeName).join(', ')}`);
    for (const n of LAB.nodes) {
      const agent = new NodeAgent({ client: clientFor(`kubelet/${n.nodeName}`), runtime: emulator.runtimeFor(n.nodeName), config: { ...n }, log: log.child(`kubelet/${n.nodeName}`) });
      agents.set(n.nodeName, agent);
    }
    api.setConnector(routeByNode((name) => agents.get(name)?.connector));
    await Promise.all([...agents.values()].map((a) => a.start()));
    opts.progress('starting controllers (deployment, replicaset, scheduler, garbage collector, endpointslice, endpoints)');
    const controllers = startControllers(clientFor('kube-controller-manager'), { log: log.child('controllers') });
    await controllers.synced;
    const admin = clientFor('lab');
    await ensureObject(admin, Resources.services, kubeDnsService as unknown as KubeObject);
    await ensureObject(admin, Resources.deployments, corednsDeployment as unknown as KubeObject);
    const kubeconfig = join(opts.stateDir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, tls.caCertPem, token), { mode: 0o600 });
    opts.progress(`API server listening on ${api.url}`);
    return {
      server: api.url,
      kubeconfig,
      stop: async () => {
        await controllers.stop();
        await Promise.all([...agents.values()].map((a) => a.stop()));
        await emulator?.stop();
        await api.close();
        await store.close();
      },
    };
  } catch (e) {
    await emulator?.stop();
    await store.close();
    throw e;
  }
}
