// The service registry's allocation state: ClusterIPs from the service range and
// NodePorts from the node-port range. Pure (no store access): the API server rebuilds
// it from the stored Services at start and calls allocate/release around writes.
// All operations are synchronous, so concurrent creates can never get the same
// address (Node runs them one at a time between awaits).
import type { Service, ServicePort } from '../api/index.js';
import { IPAllocator, PortAllocator, formatCidr, formatIP, type Cidr, type PortRange, type Random } from '../core/index.js';

export interface AllocationCause {
  readonly field: string;
  readonly value: unknown;
  readonly detail: string;
  /** An exhausted range is no fault of the request: upstream answers 500 InternalError, not 422. */
  readonly exhausted?: true;
}

export type AllocationResult = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly causes: readonly AllocationCause[] };

const needsNodePorts = (s: Service) => s.spec?.type === 'NodePort' || (s.spec?.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);
const needsClusterIP = (s: Service) => s.spec?.type !== 'ExternalName' && s.spec?.clusterIP !== 'None';
const needsHealthCheckPort = (s: Service) => s.spec?.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';

export class ServiceAllocations {
  readonly ips: IPAllocator;
  readonly ports: PortAllocator;

  constructor(
    readonly serviceCidr: Cidr,
    readonly nodePortRange: PortRange,
    random: Random = Math.random,
  ) {
    this.ips = new IPAllocator(serviceCidr, { random });
    this.ports = new PortAllocator(nodePortRange, random);
  }

  /** Marks everything already held by stored Services (start-up). Conflicts are reported, not fatal. */
  rebuild(services: readonly Service[]): string[] {
    const problems: string[] = [];
    for (const s of services) {
      const name = `${s.metadata.namespace}/${s.metadata.name}`;
      for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP !== undefined ? [s.spec.clusterIP] : [])) {
        if (ip === 'None' || ip === '') continue;
        const r = this.ips.allocate(ip);
        if (!r.ok && r.error.reason !== 'NotInRange') problems.push(`${name}: clusterIP ${ip}: ${r.error.message}`);
      }
      const ownPorts = new Set<number>();
      for (const p of s.spec?.ports ?? []) {
        if (p.nodePort !== undefined && p.nodePort !== 0) {
          const r = this.ports.allocate(p.nodePort);
          // Two ports of one service may share a nodePort when protocols differ (e.g. 53/TCP + 53/UDP); another service may not.
          if (!r.ok && !(r.error.reason === 'AlreadyAllocated' && ownPorts.has(p.nodePort))) problems.push(`${name}: nodePort ${p.nodePort}: ${r.error.message}`);
          ownPorts.add(p.nodePort);
        }
      }
      if (s.spec?.healthCheckNodePort !== undefined && s.spec.healthCheckNodePort !== 0) this.ports.allocate(s.spec.healthCheckNodePort);
    }
    return problems;
  }

  /**
   * Allocates what `svc` needs (mutating its spec), given what `old` already held (undefined on create).
   * On failure nothing stays allocated. On success `release` undoes exactly this call's new allocations
   * (used when the store write then fails).
   */
  allocate(svc: Service, old?: Service): AllocationResult {
    const spec = (svc.spec ??= {});
    const taken: Array<() => void> = [];
    const causes: AllocationCause[] = [];
    const undo = () => {
      for (const u of taken.reverse()) u();
    };

    // ClusterIP.
    if (needsClusterIP(svc)) {
      const oldIPs = old !== undefined && needsClusterIP(old) ? old.spec?.clusterIPs ?? (old.spec?.clusterIP ? [old.spec.clusterIP] : []) : [];
      const requested = spec.clusterIPs?.[0] ?? spec.clusterIP;
      if (oldIPs.length > 0 && (requested === undefined || requested === '' || requested === oldIPs[0])) {
        spec.clusterIP = oldIPs[0]!;
        spec.clusterIPs = [...oldIPs];
      } else if (requested !== undefined && requested !== '') {
        const r = this.ips.allocate(requested);
        if (!r.ok) {
          const detail =
            r.error.reason === 'NotInRange'
              ? `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${formatCidr(this.serviceCidr)}`
              : r.error.reason === 'AlreadyAllocated'
                ? `failed to allocate IP ${requested}: provided IP is already allocated`
                : `failed to allocate IP ${requested}: ${r.error.message}`;
          causes.push({ field: 'spec.clusterIPs', value: [requested], detail });
        } else {
          taken.push(() => this.ips.release(requested));
          spec.clusterIP = requested;
          spec.clusterIPs = [requested];
        }
      } else {
        const r = this.ips.allocateNext();
        if (!r.ok) {
          causes.push({ field: 'spec.clusterIPs', value: [], detail: `failed to allocate a serviceIP: range is full`, exhausted: true });
        } else {
          const ip = formatIP(r.value);
          taken.push(() => this.ips.release(ip));
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
      spec.ipFamilies ??= [spec.clusterIP?.includes(':') ? 'IPv6' : 'IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    } else if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
      // Headless: kube-apiserver mirrors clusterIP into clusterIPs and defaults the families.
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    } else if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }

    // NodePorts: keep the old ones for ports that still exist, honour requested ones, allocate the rest.
    if (needsNodePorts(svc)) {
      const oldByKey = new Map<string, number>();
      if (old !== undefined && needsNodePorts(old)) for (const p of old.spec?.ports ?? []) if (p.nodePort) oldByKey.set(portKey(p), p.nodePort);
      const oldPorts = new Set(oldByKey.values());
      const usedHere = new Map<number, string>(); // nodePort -> protocol, within this service
      (spec.ports ?? []).forEach((p, i) => {
        const proto = p.protocol ?? 'TCP';
        if (p.nodePort !== undefined && p.nodePort !== 0) {
          if (oldPorts.has(p.nodePort) || (usedHere.has(p.nodePort) && usedHere.get(p.nodePort) !== proto)) {
            usedHere.set(p.nodePort, proto);
            return;
          }
          const r = this.ports.allocate(p.nodePort);
          if (!r.ok) {
            causes.push({ field: `spec.ports[${i}].nodePort`, value: p.nodePort, detail: r.error.message });
            return;
          }
          const port = p.nodePort;
          taken.push(() => this.ports.release(port));
          usedHere.set(port, proto);
          return;
        }
        const prev = oldByKey.get(portKey(p));
        if (prev !== undefined) {
          p.nodePort = prev;
          return;
        }
        // Ports with the same number but different protocols share one nodePort, as upstream does.
        const sibling = (spec.ports ?? []).slice(0, i).find((q) => q.port === p.port && q.nodePort);
        if (sibling?.nodePort !== undefined) {
          p.nodePort = sibling.nodePort;
          return;
        }
        const r = this.ports.allocateNext();
        if (!r.ok) {
          causes.push({ field: `spec.ports[${i}].nodePort`, value: 0, detail: 'failed to allocate a nodePort: range is full', exhausted: true });
          return;
        }
        const port = r.value;
        taken.push(() => this.ports.release(port));
        p.nodePort = port;
        usedHere.set(port, proto);
      });
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }

    if (needsHealthCheckPort(svc)) {
      const prev = old !== undefined && needsHealthCheckPort(old) ? old.spec?.healthCheckNodePort : undefined;
      if (spec.healthCheckNodePort === undefined || spec.healthCheckNodePort === 0) {
        if (prev !== undefined && prev !== 0) spec.healthCheckNodePort = prev;
        else {
          const r = this.ports.allocateNext();
          if (!r.ok) causes.push({ field: 'spec.healthCheckNodePort', value: 0, detail: 'failed to allocate a nodePort: range is full', exhausted: true });
          else {
            const port = r.value;
            taken.push(() => this.ports.release(port));
            spec.healthCheckNodePort = port;
          }
        }
      } else if (spec.healthCheckNodePort !== prev) {
        const r = this.ports.allocate(spec.healthCheckNodePort);
        if (!r.ok) causes.push({ field: 'spec.healthCheckNodePort', value: spec.healthCheckNodePort, detail: r.error.message });
        else {
          const port = spec.healthCheckNodePort;
          taken.push(() => this.ports.release(port));
        }
      }
    } else {
      delete spec.healthCheckNodePort;
    }

    if (causes.length > 0) {
      undo();
      return { ok: false, causes };
    }
    return { ok: true, release: undo };
  }

  /** After a successful update, frees what `old` held that `cur` no longer does. */
  releaseDropped(old: Service, cur: Service): void {
    const held = (s: Service) => {
      const ips = needsClusterIP(s) ? s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : []) : [];
      const ports = needsNodePorts(s) ? (s.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p !== 0) : [];
      if (needsHealthCheckPort(s) && s.spec?.healthCheckNodePort) ports.push(s.spec.healthCheckNodePort);
      return { ips: new Set(ips), ports: new Set(ports) };
    };
    const a = held(old);
    const b = held(cur);
    for (const ip of a.ips) if (!b.ips.has(ip)) this.ips.release(ip);
    for (const p of a.ports) if (!b.ports.has(p)) this.ports.release(p);
  }

  /** Frees everything a deleted Service held. */
  releaseAll(svc: Service): void {
    this.releaseDropped(svc, { apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { type: 'ExternalName' } } as Service);
  }
}

const externallyAccessible = (s: Service) => s.spec?.type === 'LoadBalancer' || s.spec?.type === 'NodePort' || (s.spec?.externalIPs ?? []).length > 0;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * On a type change, clears fields the new type does not take when the client left them as
 * they were (kube-apiserver's dropTypeDependentFields), so `kubectl patch -p
 * '{"spec":{"type":"ClusterIP"}}'` on a LoadBalancer works. NodePorts, healthCheckNodePort
 * and ClusterIPs are handled by allocate().
 */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (o.type !== 'ExternalName' && spec.type === 'ExternalName') {
    if (same(spec.ipFamilies, o.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, o.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (o.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass === o.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(svc) && spec.externalTrafficPolicy === o.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  // Load-balancer status stops applying at once, though de-provisioning is asynchronous.
  if (spec.type !== 'LoadBalancer' && svc.status !== undefined) svc.status = { ...svc.status, loadBalancer: {} };
}

function portKey(p: ServicePort): string {
  return `${p.port}/${p.protocol ?? 'TCP'}`;
}

