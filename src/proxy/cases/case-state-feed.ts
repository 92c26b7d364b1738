// Feeds a case's state to a proxier as informer events would arrive: deletions for what
// left, updates (with the previous object) for what stayed, adds for what is new. Every
// case runner does this the same way whatever it renders, so the cases exercise the
// change trackers exactly as a running proxy does.
import type { EndpointSlice, Service } from '../../api/index.js';
import { projectEndpointSlice, projectService } from '../model/project.js';
import type { ProxierBase } from '../proxier-base.js';
import type { CaseState } from './case-types.js';

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class CaseStateFeed {
  private services = new Map<string, Service>();
  private slices = new Map<string, EndpointSlice>();

  constructor(private readonly proxier: Pick<ProxierBase, 'onServiceUpdate' | 'onEndpointSliceUpdate'>) {}

  /** Hands the proxier the difference between the previous state and `state` (no sync). */
  feed(state: CaseState): void {
    const services = new Map(state.services.map((s) => [keyOf(s), s]));
    const slices = new Map(state.slices.map((s) => [keyOf(s), s]));
    for (const [k, s] of this.services) if (!services.has(k)) this.proxier.onServiceUpdate(projectService(s), undefined);
    for (const [k, s] of services) this.proxier.onServiceUpdate(maybe(this.services.get(k), projectService), projectService(s));
    for (const [k, s] of this.slices) if (!slices.has(k)) this.proxier.onEndpointSliceUpdate(projectEndpointSlice(s), undefined);
    for (const [k, s] of slices) this.proxier.onEndpointSliceUpdate(maybe(this.slices.get(k), projectEndpointSlice), projectEndpointSlice(s));
    this.services = services;
    this.slices = slices;
  }

  /** The EndpointSlices of the state last fed (one per namespace/name). */
  currentSlices(): IterableIterator<EndpointSlice> {
    return this.slices.values();
  }
}

function maybe<T, R>(x: T | undefined, f: (x: T) => R): R | undefined {
  return x === undefined ? undefined : f(x);
}
