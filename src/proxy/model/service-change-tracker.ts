// Service change tracker (the design of kube-proxy's servicechangetracker.go, our code):
// between two syncs it keeps, per Service, the state the last sync saw ("first
// previous") and the latest state seen ("latest current"). A Service that ends up where
// it started (add then delete, an update that changed nothing we project) is dropped, so
// the sync only touches Services that really changed. `checkout()` hands the changes
// over and advances the applied map: after it, `ports()` answers the new state.
import { serviceEqual, servicePortEqual } from './equality.js';
import type { ServiceInfo, ServiceName, ServicePortInfo, ServicePortName } from './types.js';

export interface ServiceChange {
  readonly name: ServiceName;
  /** Ports as the previous sync saw them (empty when the Service was not proxied). */
  readonly previous: readonly ServicePortInfo[];
  readonly current: readonly ServicePortInfo[];
}

export interface ServiceChanges {
  /** Changed Services, no-ops dropped. */
  readonly services: ReadonlyMap<ServiceName, ServiceChange>;
  /** Service port names added, removed or changed. */
  readonly ports: ReadonlySet<ServicePortName>;
}

const NONE: readonly ServicePortInfo[] = [];

export class ServiceChangeTracker {
  /** What the last checkout handed to the sync. */
  private readonly applied = new Map<ServiceName, ServiceInfo>();
  /** name -> the applied state when the first pending change arrived. */
  private readonly pending = new Map<ServiceName, { readonly previous: ServiceInfo | undefined; current: ServiceInfo | undefined }>();

  /**
   * Records an add (prev undefined), update or delete (cur undefined). Returns whether a
   * sync is needed for it (false when the Service is back to what the last sync saw).
   */
  update(prev: ServiceInfo | undefined, cur: ServiceInfo | undefined): boolean {
    const name = cur?.name ?? prev?.name;
    if (name === undefined) return false;
    let p = this.pending.get(name);
    if (p === undefined) {
      p = { previous: this.applied.get(name), current: cur };
      this.pending.set(name, p);
    } else {
      p.current = cur;
    }
    if (serviceEqual(p.previous, p.current)) {
      this.pending.delete(name);
      return false;
    }
    return true;
  }

  pendingCount(): number {
    return this.pending.size;
  }

  checkout(): ServiceChanges {
    const services = new Map<ServiceName, ServiceChange>();
    const ports = new Set<ServicePortName>();
    for (const [name, p] of this.pending) {
      const previous = p.previous?.ports ?? NONE;
      const current = p.current?.ports ?? NONE;
      services.set(name, { name, previous, current });
      const before = new Map(previous.map((x) => [x.name, x]));
      for (const c of current) {
        const b = before.get(c.name);
        if (b === undefined || !servicePortEqual(b, c)) ports.add(c.name);
        before.delete(c.name);
      }
      for (const gone of before.keys()) ports.add(gone);
      if (p.current === undefined || p.current.ports.length === 0) this.applied.delete(name);
      else this.applied.set(name, p.current);
    }
    this.pending.clear();
    return { services, ports };
  }

  /** Proxied ports of a Service as of the last checkout. */
  ports(name: ServiceName): readonly ServicePortInfo[] {
    return this.applied.get(name)?.ports ?? NONE;
  }

  /** Names of all proxied Services as of the last checkout. */
  serviceNames(): IterableIterator<ServiceName> {
    return this.applied.keys();
  }

  serviceCount(): number {
    return this.applied.size;
  }
}
