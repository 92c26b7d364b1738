// Assembles the API server: store-backed resource service, service registry
// allocations (rebuilt from stored Services), bootstrap objects, namespace lifecycle,
// and the HTTP(S) front.
import { RESOURCES, type KubeObject, type Service } from '../api/index.js';
import { cidrNth, formatIP, parseCidr, parsePortRange, realClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import type { Store } from '../store/types.js';
import { bootstrapCluster } from './bootstrap.js';
import { createDiscoveryDocs, defaultDiscoveryInput } from './discovery/index.js';
import { ApiHttpServer } from './http-server.js';
import { DEFAULT_MAX_BODY_BYTES } from './http-util.js';
import { hooksForKind } from './kind-hooks-impl.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import type { PodConnector } from './pod-connector.js';
import { ResourceHandlers, type ResourceIndex } from './resource-handlers.js';
import { ResourceService } from './resource-service.js';
import type { ServedResource } from './served-resource.js';
import { ServiceAllocations } from './service-allocations.js';
import { decodeKv, resourcePrefix } from './storage.js';

export interface ApiServerConfig {
  readonly store: Store;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Default 10.96.0.0/12 (the `kubernetes` Service gets its first address). */
  readonly serviceCidr?: string;
  /** Default 30000-32767. */
  readonly nodePortRange?: string;
  readonly address?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly tls?: { readonly cert: string; readonly key: string };
  /** bearer token -> user */
  readonly tokens: ReadonlyMap<string, string>;
  /** Address and port the `kubernetes` Service's endpoints point at (the lab uses 10.190.5.10:6443). */
  readonly advertiseAddress?: string;
  readonly advertisePort?: number;
  readonly extraNamespaces?: readonly string[];
  readonly connector?: PodConnector;
  readonly maxBodyBytes?: number;
  readonly random?: () => number;
}

export interface RunningApiServer {
  readonly url: string;
  readonly service: ResourceService;
  /** ClusterIP / NodePort allocator state (for diagnostics and leak checks). */
  readonly allocations: ServiceAllocations;
  readonly http: ApiHttpServer;
  /** Plugs a node connector in after start (node agents come up after the API server). */
  setConnector(c: PodConnector): void;
  close(): Promise<void>;
}

/** Resources with storage (bindings are a verb on pods, not stored). */
export const servedResources: readonly ServedResource[] = RESOURCES.filter((r) => r.verbs.includes('get')).map((r) => ({
  group: r.group,
  version: r.version,
  resource: r.resource,
  kind: r.kind,
  namespaced: r.namespaced,
  subresources: r.subresources.map((s) => s.name),
}));

export async function startApiServer(cfg: ApiServerConfig): Promise<RunningApiServer> {
  const clock = cfg.clock ?? realClock;
  const log = cfg.log ?? silentLogger;
  const cidr = parseCidr(cfg.serviceCidr ?? '10.96.0.0/12');
  if (!cidr.ok) throw new Error(`invalid service CIDR: ${cidr.error}`);
  const range = parsePortRange(cfg.nodePortRange ?? '30000-32767');
  if (!range.ok) throw new Error(`invalid node port range: ${range.error}`);
  const allocations = new ServiceAllocations(cidr.value, range.value, cfg.random);

  const byPath = new Map(servedResources.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
  const byKind = new Map(servedResources.map((r) => [`${r.group}/${r.kind}`, r]));
  const index: ResourceIndex = { byPath: (g, v, r) => byPath.get(`${g}/${v}/${r}`) };
  const service = new ResourceService({
    store: cfg.store,
    clock,
    hooksFor: (kind) => hooksForKind(kind, { nodePortRange: range.value }),
    allocations,
    resourceByKind: (g, k) => byKind.get(`${g}/${k}`),
    ...(cfg.random !== undefined ? { random: cfg.random } : {}),
  });

  // Rebuild allocations from what is stored, so a restart never hands out a held address.
  const svcDef = byKind.get('/Service')!;
  const stored = await cfg.store.list(resourcePrefix(svcDef));
  const problems = allocations.rebuild(stored.items.map((kv) => decodeKv<KubeObject>(kv) as Service));
  for (const p of problems) log.warn(`service allocation repair: ${p}`);

  const kubernetesIP = firstServiceIP(cfg.serviceCidr ?? '10.96.0.0/12');
  await bootstrapCluster(service, (g, k) => byKind.get(`${g}/${k}`), {
    kubernetesServiceIP: kubernetesIP,
    advertiseAddress: cfg.advertiseAddress ?? '127.0.0.1',
    advertisePort: cfg.advertisePort ?? 6443,
    ...(cfg.extraNamespaces !== undefined ? { extraNamespaces: cfg.extraNamespaces } : {}),
    warn: (m) => log.warn(`bootstrap: ${m}`),
  });

  const lifecycle = new NamespaceLifecycle(cfg.store, service, byKind.get('/Namespace')!, () => servedResources.filter((r) => r.namespaced), log.child('namespace-lifecycle'));
  await lifecycle.start();

  let connector = cfg.connector;
  const handlers = new ResourceHandlers({
    service,
    index,
    clock,
    maxBodyBytes: cfg.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    get connector() {
      return connector;
    },
  });
  const http = new ApiHttpServer({ address: cfg.address ?? '127.0.0.1', port: cfg.port ?? 0, ...(cfg.tls !== undefined ? { tls: cfg.tls } : {}), tokens: cfg.tokens, clock, log }, handlers, createDiscoveryDocs(defaultDiscoveryInput(`${cfg.advertiseAddress ?? "127.0.0.1"}:${cfg.advertisePort ?? 6443}`)));
  const url = await http.listen();
  http.setReady(true);
  return {
    url,
    service,
    allocations,
    http,
    setConnector: (c) => {
      connector = c;
    },
    close: async () => {
      lifecycle.stop();
      await http.close();
    },
  };
}

/** kube-apiserver gives the `kubernetes` Service the first address of the service range. */
function firstServiceIP(cidrText: string): string {
  const c = parseCidr(cidrText);
  if (!c.ok) throw new Error(c.error);
  return formatIP(cidrNth(c.value, 1)!);
}
