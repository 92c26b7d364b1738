// The OpenFlow render entry points.
//
// `renderProgram` is the pure function: model state + node + group ids -> fragments.
// `OpenFlowCompiler` is the small stateful shell a proxy keeps between syncs: it owns the
// group-id allocator (ids must survive syncs), assigns ids before rendering a Service
// and releases them when a port or Service goes.
import type { EndpointInfo, EndpointsByPort, NodeInfo, ServiceName, ServicePortInfo } from '../../model/types.js';

const NO_ENDPOINTS: readonly EndpointInfo[] = [];
import { GroupIdAllocator } from './group-id-allocator.js';
import type { OpenFlowFragment } from './program.js';
import { renderBase, type UplinkPort } from './render-base.js';
import { groupKeys, renderService } from './render-service.js';

export interface RenderInput {
  readonly node: NodeInfo;
  readonly uplink: UplinkPort;
  /** The proxied Services with their ports (Services without ports render nothing). */
  readonly services: Iterable<{ readonly name: ServiceName; readonly ports: readonly ServicePortInfo[] }>;
  readonly endpointsOf: (p: ServicePortInfo) => readonly EndpointInfo[];
  readonly masquerade?: boolean;
}

/** Base fragment first, then one fragment per Service that has ports. */
export function renderProgram(input: RenderInput, groupId: (key: string) => number | undefined): OpenFlowFragment[] {
  const out = [renderBase(input.uplink)];
  for (const s of input.services) {
    if (s.ports.length === 0) continue;
    out.push(
      renderService(s.name, s.ports, input.endpointsOf, {
        nodeIPs: input.node.nodeIPs,
        groupId,
        ...(input.masquerade !== undefined ? { masquerade: input.masquerade } : {}),
      }),
    );
  }
  return out;
}

export interface OpenFlowCompilerOptions {
  readonly uplink: UplinkPort;
  readonly masquerade?: boolean;
  readonly allocator?: GroupIdAllocator;
}

interface CacheEntry {
  readonly ports: readonly ServicePortInfo[];
  readonly endpoints: EndpointsByPort;
  readonly node: NodeInfo;
  readonly fragment: OpenFlowFragment;
}

export class OpenFlowCompiler {
  readonly allocator: GroupIdAllocator;
  private readonly keysOf = new Map<ServiceName, readonly string[]>();
  /**
   * The last fragment per Service with the inputs it came from. The trackers hand out
   * the same objects until something changes, so a full sync re-renders only what
   * changed, and the applier, seeing the very fragment it wrote, skips it.
   */
  private readonly cache = new Map<ServiceName, CacheEntry>();

  constructor(private readonly opts: OpenFlowCompilerOptions) {
    this.allocator = opts.allocator ?? new GroupIdAllocator();
  }

  base(): OpenFlowFragment {
    return renderBase(this.opts.uplink);
  }

  /**
   * Renders one Service (undefined when it has no proxied port any more: its ids are
   * released and its fragment is to be removed).
   */
  compile(service: ServiceName, ports: readonly ServicePortInfo[], endpoints: EndpointsByPort, node: NodeInfo): OpenFlowFragment | undefined {
    const keys = ports.flatMap(groupKeys);
    const old = this.keysOf.get(service) ?? [];
    const now = new Set(keys);
    for (const k of old) if (!now.has(k)) this.allocator.release(k);
    for (const k of keys) {
      if (this.allocator.acquire(k) === undefined) throw new Error(`group id space exhausted (${this.allocator.size()} in use)`);
    }
    if (keys.length === 0) this.keysOf.delete(service);
    else this.keysOf.set(service, keys);
    if (ports.length === 0) {
      this.cache.delete(service);
      return undefined;
    }
    const c = this.cache.get(service);
    if (c !== undefined && c.ports === ports && c.endpoints === endpoints && c.node === node) return c.fragment;
    const fragment = renderService(service, ports, (p) => endpoints.get(p.name) ?? NO_ENDPOINTS, {
      nodeIPs: node.nodeIPs,
      groupId: (k) => this.allocator.get(k),
      ...(this.opts.masquerade !== undefined ? { masquerade: this.opts.masquerade } : {}),
    });
    this.cache.set(service, { ports, endpoints, node, fragment });
    return fragment;
  }

  /** Call once per sync, after compiling: ids released in it may be reused in later syncs only. */
  endSync(): void {
    this.allocator.endGeneration();
  }
}
