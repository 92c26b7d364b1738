// Where host access learns about Services and Nodes: informers against the API server
// (`informerSource`) or a plain list set by hand (`StaticSource`, for tests and for
// callers that already hold the objects).
import type { Node, Service } from '../../api/index.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { Informer, Resources, type InformerHandler, type ListWatcher } from '../../client/index.js';
import { projectNode, projectService, type NodeView, type ServiceView } from './service-view.js';

export interface SourceSnapshot {
  readonly services: readonly ServiceView[];
  readonly nodes: readonly NodeView[];
}

export interface HostAccessSource {
  /** Begins delivering; `onChange` is called (possibly often) whenever the snapshot may differ. */
  start(onChange: () => void): void;
  /** The current state, or undefined until the source has synced (nothing is planned before). */
  snapshot(): SourceSnapshot | undefined;
  stop(): void;
}

/** A source holding a list given by the caller; `set` replaces it and notifies. */
export class StaticSource implements HostAccessSource {
  private state: SourceSnapshot;
  private notify: (() => void) | undefined;

  constructor(initial: Partial<SourceSnapshot> = {}) {
    this.state = { services: initial.services ?? [], nodes: initial.nodes ?? [] };
  }

  start(onChange: () => void): void {
    this.notify = onChange;
    onChange();
  }

  snapshot(): SourceSnapshot {
    return this.state;
  }

  set(next: Partial<SourceSnapshot>): void {
    this.state = { services: next.services ?? this.state.services, nodes: next.nodes ?? this.state.nodes };
    this.notify?.();
  }

  stop(): void {
    this.notify = undefined;
  }
}

export interface InformerSourceOptions {
  readonly client: ListWatcher;
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** Services and Nodes list-watched through src/client informers, projected at the boundary. */
export function informerSource(o: InformerSourceOptions): HostAccessSource {
  const common = { client: o.client, ...(o.clock !== undefined ? { clock: o.clock } : {}), ...(o.log !== undefined ? { log: o.log } : {}) };
  const services = new Informer<Service, ServiceView>({ ...common, resource: Resources.services, transform: projectService });
  const nodes = new Informer<Node, NodeView>({ ...common, resource: Resources.nodes, transform: projectNode });
  let stopped = false;
  return {
    start(onChange) {
      const h: InformerHandler<unknown> = { onAdd: onChange, onUpdate: onChange, onDelete: onChange };
      services.addHandler(h);
      nodes.addHandler(h);
      services.start();
      nodes.start();
      void Promise.all([services.hasSynced(), nodes.hasSynced()]).then(() => {
        if (!stopped) onChange();
      });
    },
    snapshot() {
      if (!services.synced || !nodes.synced) return undefined;
      return { services: services.list(), nodes: nodes.list() };
    },
    stop() {
      stopped = true;
      services.stop();
      nodes.stop();
    },
  };
}
