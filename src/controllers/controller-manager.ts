// Starts every controller against one API client (kube-controller-manager + kube-scheduler
// in one call): one shared informer factory, one event recorder per reporting component,
// handlers registered before the informers start, workers started once every cache synced.
import type { KubeObject } from '../api/index.js';
import { EventRecorder, InformerFactory, Resources, eventSinkFor, type RestClient } from '../client/index.js';
import { realClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { EndpointSliceController } from './endpointslice/endpointslice-controller.js';
import { GarbageCollector, gcSource, type GcSource } from './garbage-collector/garbage-collector.js';
import type { GcMeta } from './garbage-collector/gc-core.js';
import { LbIpamController, type LbIpamOptions } from './lb-ipam/lb-ipam-controller.js';
import { INDEX, deployments, endpointSlices, endpoints, pods, replicaSets, services, type Controller, type ControllerDeps } from './informers.js';
import { PacedEventSink, type PacedEventSinkOptions } from './paced-event-sink.js';
import { POD_INDEX, type PodInfo } from './pod-info.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { Scheduler } from './scheduler/scheduler.js';

export type ControllerName = 'deployment' | 'replicaset' | 'scheduler' | 'garbagecollector' | 'endpointslice' | 'endpoints' | 'lb-ipam';

/** The default set; lb-ipam is opt-in (name it in `controllers`, or pass `lbIpam`). */
export const ALL_CONTROLLERS: readonly ControllerName[] = ['deployment', 'replicaset', 'scheduler', 'garbagecollector', 'endpointslice', 'endpoints'];

export interface ControllerManagerOptions {
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Which controllers to run (default: all). */
  readonly controllers?: readonly ControllerName[];
  /** Concurrent reconciles per controller, overriding each controller's default. */
  readonly workers?: Partial<Record<ControllerName, number>>;
  /** Pacing of event writes (all recorders together); default 50/s, burst 200. */
  readonly events?: PacedEventSinkOptions;
  /**
   * LoadBalancer IPAM. Runs when 'lb-ipam' is in `controllers`, or when this is given and
   * `controllers` is not (then alongside the default set).
   */
  readonly lbIpam?: LbIpamOptions;
}

export interface RunningControllers {
  /** Resolves when every informer has listed once and the workers are running. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

function objectMeta(o: KubeObject): GcMeta {
  const m = o.metadata;
  return {
    uid: m.uid ?? '',
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    ownerReferences: m.ownerReferences ?? [],
    finalizers: m.finalizers ?? [],
    deleting: m.deletionTimestamp !== undefined,
  };
}

function podMeta(p: PodInfo): GcMeta {
  return { uid: p.uid, namespace: p.namespace, name: p.name, ownerReferences: p.ownerReferences, finalizers: p.finalizers, deleting: p.deletionMs !== undefined };
}

/** The kinds the garbage collector watches: the ones svcnet's controllers create or own. */
function gcSources(deps: ControllerDeps): GcSource[] {
  const f = deps.factory;
  const meta = { meta: objectMeta, uidIndex: INDEX.uid, ownerIndex: INDEX.owner };
  return [
    gcSource<PodInfo>({ resource: Resources.pods, informer: pods(f), meta: podMeta, uidIndex: POD_INDEX.uid, ownerIndex: POD_INDEX.owner }),
    gcSource<KubeObject>({ resource: Resources.replicasets, informer: replicaSets(f), ...meta }),
    gcSource<KubeObject>({ resource: Resources.deployments, informer: deployments(f), ...meta }),
    gcSource<KubeObject>({ resource: Resources.services, informer: services(f), ...meta }),
    gcSource<KubeObject>({ resource: Resources.endpointslices, informer: endpointSlices(f), ...meta }),
    gcSource<KubeObject>({ resource: Resources.endpoints, informer: endpoints(f), ...meta }),
  ];
}

export function startControllers(client: RestClient, opts: ControllerManagerOptions = {}): RunningControllers {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? silentLogger;
  const factory = new InformerFactory({ client, clock, log: log.child('informers') });
  const sink = new PacedEventSink(eventSinkFor(client), clock, opts.events ?? { qps: 50, burst: 200 });
  const recorders = new Map<string, EventRecorder>();
  const deps: ControllerDeps = {
    client,
    factory,
    clock,
    log,
    recorder: (component) => {
      let r = recorders.get(component);
      if (r === undefined) recorders.set(component, (r = new EventRecorder({ sink, component, clock, log: log.child(`events/${component}`) })));
      return r;
    },
  };
  const enabled = new Set<ControllerName>(opts.controllers ?? ALL_CONTROLLERS);
  if (opts.controllers === undefined && opts.lbIpam !== undefined) enabled.add('lb-ipam');
  const w = (n: ControllerName) => (opts.workers?.[n] !== undefined ? { workers: opts.workers[n] } : {});
  const controllers: Controller[] = [];
  const depsFor = (name: string): ControllerDeps => ({ ...deps, log: log.child(name) });
  if (enabled.has('replicaset')) controllers.push(new ReplicaSetController(depsFor('replicaset'), w('replicaset')));
  if (enabled.has('deployment')) controllers.push(new DeploymentController(depsFor('deployment'), w('deployment')));
  if (enabled.has('scheduler')) controllers.push(new Scheduler(depsFor('scheduler'), w('scheduler')));
  if (enabled.has('endpointslice')) controllers.push(new EndpointSliceController(depsFor('endpointslice'), w('endpointslice')));
  if (enabled.has('endpoints')) controllers.push(new EndpointsController(depsFor('endpoints'), w('endpoints')));
  if (enabled.has('lb-ipam')) {
    const lbWorkers = opts.workers?.['lb-ipam'];
    controllers.push(new LbIpamController(depsFor('lb-ipam'), { ...opts.lbIpam, ...(lbWorkers !== undefined ? { workers: lbWorkers } : {}) }));
  }
  if (enabled.has('garbagecollector')) controllers.push(new GarbageCollector(depsFor('garbagecollector'), gcSources(deps), w('garbagecollector')));

  factory.start();
  const synced = factory.waitForSync();
  for (const c of controllers) c.start(synced);
  log.info(`started ${controllers.map((c) => c.name).join(', ')} against ${client.server}`);
  return {
    synced,
    stop: async () => {
      await Promise.all(controllers.map((c) => c.stop()));
      factory.stop();
      // Events still waiting for their turn are dropped rather than waited for.
      sink.close();
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
  };
}
