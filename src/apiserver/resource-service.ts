// The generic object lifecycle behind every REST verb: create, get, list, update,
// patch, delete, with Kubernetes' metadata rules (uid, generateName, timestamps,
// generation, finalizers, graceful deletion), admission (namespace lifecycle, the
// service registry's allocations), defaulting, validation and strict field checks.
import { randomUUID } from 'node:crypto';
import { parseApiVersion, type Binding, type KubeObject, type Pod, type Service } from '../api/index.js';
import { strictDecodingMessage, unknownFieldMessage } from '../api/schema/index.js';
import type { Clock } from '../core/index.js';
import type { Store } from '../store/types.js';
import { generationKinds, initialStatus, noHooks, type KindHooks } from './kind-hooks.js';
import type { FieldProblem, ServedResource } from './served-resource.js';
import { apiVersionOf } from './served-resource.js';
import { dropTypeDependentFields, type AllocationCause, type ServiceAllocations } from './service-allocations.js';
import { pruneFields } from './prune-fields.js';
import { ApiError, errors } from './status.js';
import { findTypeMismatch, typeMismatchMessage } from './type-check.js';
import { ResourceStorage } from './storage.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly fieldValidation?: FieldValidation;
}

export interface WriteResult<T extends KubeObject = KubeObject> {
  readonly object: T;
  readonly warnings: readonly string[];
}

export interface DeleteOptions {
  readonly dryRun?: boolean;
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface ResourceServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly hooksFor: (kind: string) => KindHooks;
  readonly allocations: ServiceAllocations;
  readonly resourceByKind: (group: string, kind: string) => ServedResource | undefined;
  readonly random?: () => number;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const deepCopy = <T>(x: T): T => structuredClone(x);
const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class ResourceService {
  constructor(private readonly deps: ResourceServiceDeps) {}

  storage(def: ServedResource): ResourceStorage {
    return new ResourceStorage(this.deps.store, def);
  }

  now(): string {
    return rfc3339(this.deps.clock.now());
  }

  // ---- create ------------------------------------------------------------------------------

  async create(def: ServedResource, namespace: string | undefined, input: KubeObject, opts: WriteOptions = {}): Promise<WriteResult> {
    let obj = deepCopy(input);
    const warnings = this.checkKind(def, obj, opts);
    let meta = (obj.metadata ??= {});
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && namespace !== undefined && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace ?? 'default';
    } else {
      delete meta.namespace;
    }
    if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined && meta.generateName !== '') {
      meta.name = meta.generateName + this.randomSuffix(5);
    }
    const hooks = this.deps.hooksFor(obj.kind);
    obj = hooks.applyDefaults(obj);
    meta = obj.metadata;
    // Server-owned metadata.
    meta.uid = randomUUID();
    meta.creationTimestamp = this.now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (generationKinds.has(obj.kind)) meta.generation = 1;
    const status = initialStatus(obj.kind);
    if (status !== undefined) (obj as unknown as Record<string, unknown>)['status'] = status;
    this.setManagedFields(obj, opts.fieldManager, 'Update');

    if (def.namespaced) await this.admitNamespace(def, obj);
    // As kube-apiserver's BeginCreate: allocate first (validation needs the ClusterIP), undo on failure.
    let release = () => {};
    if (obj.kind === 'Service') {
      const r = this.deps.allocations.allocate(obj as Service);
      if (!r.ok) this.throwAllocationFailure(def, obj, r.causes);
      else release = r.release;
    }
    try {
      this.throwIfInvalid(def, obj, hooks.validateCreate(obj));
    } catch (e) {
      release();
      throw e;
    }
    if (opts.dryRun) {
      release();
      return { object: obj, warnings };
    }
    try {
      return { object: await this.storage(def).create(obj), warnings };
    } catch (e) {
      release();
      throw e;
    }
  }

  // ---- read --------------------------------------------------------------------------------

  async get(def: ServedResource, namespace: string | undefined, name: string): Promise<KubeObject> {
    return this.storage(def).mustGet(namespace, name);
  }

  // ---- update ------------------------------------------------------------------------------

  /**
   * PUT semantics. `mutate` derives the new object from the current one and is re-run on a
   * store conflict, without limit (etcd3's GuaranteedUpdate). A resourceVersion in the result
   * that differs from the current one is a precondition: a PUT body's, or one a patch sets.
   * Those fail with 409 instead of being retried, since the re-read object only moves further away.
   */
  async update(
    def: ServedResource,
    namespace: string | undefined,
    name: string,
    subresource: string | undefined,
    mutate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions & { readonly allowCreate?: boolean; readonly fromPatch?: boolean } = {},
  ): Promise<WriteResult & { readonly created: boolean }> {
    const storage = this.storage(def);
    for (;;) {
      const current = await storage.get(namespace, name);
      if (current === undefined) {
        if (opts.allowCreate && subresource === undefined) {
          const obj = await mutate(undefined);
          const r = await this.create(def, namespace, obj, opts);
          return { ...r, created: true };
        }
        throw errors.notFound(def, name);
      }
      const proposed = deepCopy(await mutate(deepCopy(current)));
      const warnings = this.checkKind(def, proposed, opts, opts.fromPatch === true);
      proposed.metadata ??= {};
      if (proposed.metadata.name !== undefined && proposed.metadata.name !== name) {
        throw errors.badRequest(`the name of the object (${proposed.metadata.name}) does not match the name on the URL (${name})`);
      }
      const rv = proposed.metadata.resourceVersion;
      if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) {
        throw errors.conflict(def, name);
      }
      const hooks = this.deps.hooksFor(proposed.kind);
      const next = hooks.applyDefaults(this.prepareUpdate(def, proposed, current, subresource));
      this.setManagedFields(next, opts.fieldManager, 'Update', current);
      let release = () => {};
      if (next.kind === 'Service' && subresource === undefined) {
        dropTypeDependentFields(next as Service, current as Service);
        const r = this.deps.allocations.allocate(next as Service, current as Service);
        if (!r.ok) this.throwAllocationFailure(def, next, r.causes);
        else release = r.release;
      }
      try {
        // A binding is validated as a Binding (see bind); pod update rules would forbid setting nodeName.
        if (subresource !== 'binding') this.throwIfInvalid(def, next, hooks.validateUpdate(next, current, subresource));
      } catch (e) {
        release();
        throw e;
      }
      if (opts.dryRun) {
        release();
        return { object: next, warnings, created: false };
      }
      // Finalizers all gone from an object being deleted with no grace period left: the update completes
      // the deletion (upstream's shouldDeleteDuringUpdate). A pod in its grace period stays for its kubelet.
      const graceLeft = (current.metadata.deletionGracePeriodSeconds ?? 0) > 0;
      if (next.metadata.deletionTimestamp !== undefined && !graceLeft && (next.metadata.finalizers ?? []).length === 0 && !this.namespaceSpecFinalizers(next)) {
        release();
        try {
          return { object: await this.finishDelete(def, next, Number(current.metadata.resourceVersion)), warnings, created: false };
        } catch (e) {
          if (e instanceof ApiError && e.status.reason === 'Conflict') continue;
          throw e;
        }
      }
      try {
        const stored = await storage.update(next, Number(current.metadata.resourceVersion));
        if (next.kind === 'Service' && subresource === undefined) this.deps.allocations.releaseDropped(current as Service, stored as Service);
        return { object: stored, warnings, created: false };
      } catch (e) {
        release();
        // A concurrent writer won: run again on the fresh object (the precondition above turns a stale rv into 409).
        if (e instanceof ApiError && e.status.reason === 'Conflict') continue;
        throw e;
      }
    }
  }

  private prepareUpdate(def: ServedResource, proposed: KubeObject, current: KubeObject, subresource: string | undefined): KubeObject {
    const cur = current as unknown as Record<string, unknown>;
    let next: KubeObject;
    if (subresource === 'status') {
      // Only status changes through /status (metav1.ResetObjectMetaForStatus + keep spec).
      next = { ...deepCopy(current), status: (proposed as unknown as Record<string, unknown>)['status'] } as KubeObject;
    } else if (subresource === 'finalize' && current.kind === 'Namespace') {
      next = { ...deepCopy(current), spec: (proposed as unknown as Record<string, unknown>)['spec'] } as KubeObject;
    } else {
      next = proposed;
      // Status is owned by the status subresource for kinds that have one.
      if (def.subresources.includes('status')) {
        if (cur['status'] === undefined) delete (next as unknown as Record<string, unknown>)['status'];
        else (next as unknown as Record<string, unknown>)['status'] = deepCopy(cur['status']);
      }
      // Immutable / server-owned metadata.
      const m = next.metadata;
      const c = current.metadata;
      m.uid = c.uid!;
      m.creationTimestamp = c.creationTimestamp!;
      if (c.namespace !== undefined) m.namespace = c.namespace;
      if (c.deletionTimestamp !== undefined) m.deletionTimestamp = c.deletionTimestamp;
      else delete m.deletionTimestamp;
      if (c.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = c.deletionGracePeriodSeconds;
      else delete m.deletionGracePeriodSeconds;
      if (c.generation !== undefined) m.generation = c.generation;
      if (generationKinds.has(next.kind)) {
        const specChanged = JSON.stringify((next as unknown as Record<string, unknown>)['spec']) !== JSON.stringify(cur['spec']);
        m.generation = (c.generation ?? 1) + (specChanged ? 1 : 0);
      }
      if (m.generateName === undefined && c.generateName !== undefined) m.generateName = c.generateName;
    }
    next.apiVersion = apiVersionOf(def);
    next.kind = def.kind;
    // The precondition was checked against `current`; validation expects it set (the store strips it).
    next.metadata.resourceVersion = current.metadata.resourceVersion!;
    return next;
  }

  // ---- pods/binding ------------------------------------------------------------------------

  /** Assigns a pod to a node, once (what the scheduler's Binding does); errors name `pods/binding` as upstream. */
  async bind(def: ServedResource, namespace: string | undefined, name: string, binding: Binding, opts: WriteOptions = {}): Promise<void> {
    if (binding.metadata?.name !== undefined && binding.metadata.name !== '' && binding.metadata.name !== name) {
      throw errors.badRequest('name in URL does not match name in Binding object');
    }
    const problems = this.deps.hooksFor('Binding').validateCreate({ ...binding, kind: 'Binding' });
    if (problems.length > 0) throw errors.invalid('', 'Binding', name, problems);
    const node = binding.target.name;
    const as = { group: '', resource: 'pods/binding' };
    await this.update(
      def,
      namespace,
      name,
      'binding',
      (cur) => {
        const pod = cur as Pod;
        if (pod.metadata.deletionTimestamp !== undefined) throw errors.conflict(as, name, `pod ${name} is being deleted, cannot be assigned to a host`);
        if (pod.spec?.nodeName !== undefined && pod.spec.nodeName !== '') throw errors.conflict(as, name, `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`);
        const annotations = { ...(pod.metadata.annotations ?? {}), ...(binding.metadata?.annotations ?? {}) };
        return { ...pod, metadata: { ...pod.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec: { ...pod.spec, nodeName: node } } as KubeObject;
      },
      { ...opts, fromPatch: true },
    );
  }

  // ---- delete ------------------------------------------------------------------------------

  async delete(def: ServedResource, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const storage = this.storage(def);
    // Retried on a concurrent write without limit, as etcd3's conditional delete; preconditions are re-checked each time.
    for (;;) {
      const current = await storage.mustGet(namespace, name);
      const pre = opts.preconditions;
      if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
        throw errors.conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`);
      }
      const next = deepCopy(current);
      const m = next.metadata;
      const finalizers = new Set(m.finalizers ?? []);
      if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      const grace = this.gracePeriod(current, opts);
      const graceful = grace > 0;
      const mustWait = finalizers.size > 0 || graceful || (current.kind === 'Namespace');
      if (!mustWait) {
        if (opts.dryRun) return { object: current, deleted: true };
        try {
          return { object: await this.finishDelete(def, current, Number(current.metadata.resourceVersion)), deleted: true };
        } catch (e) {
          if (e instanceof ApiError && e.status.reason === 'Conflict') continue;
          throw e;
        }
      }
      // Graceful / finalized deletion: mark and let the owners (kubelet, GC, namespace lifecycle) finish.
      if (m.deletionTimestamp === undefined) {
        m.deletionTimestamp = rfc3339(this.deps.clock.now() + grace * 1000);
        // 0 when only finalizers hold the object (upstream's markAsDeleting); Namespaces carry none.
        if (current.kind !== 'Namespace') m.deletionGracePeriodSeconds = grace;
        // Being marked for deletion is a change generation-watchers must see.
        if (m.generation !== undefined && m.generation > 0) m.generation += 1;
      } else if (m.deletionGracePeriodSeconds !== undefined && grace < m.deletionGracePeriodSeconds) {
        // A shorter grace period may replace a longer one, never the reverse.
        m.deletionTimestamp = rfc3339(this.deps.clock.now() + grace * 1000);
        m.deletionGracePeriodSeconds = grace;
      }
      m.finalizers = [...finalizers];
      if (m.finalizers.length === 0) delete m.finalizers;
      if (current.kind === 'Namespace') (next as unknown as { status: { phase: string } }).status = { ...((next as unknown as { status?: object }).status ?? {}), phase: 'Terminating' };
      if (opts.dryRun) return { object: next, deleted: false };
      try {
        return { object: await storage.update(next, Number(current.metadata.resourceVersion)), deleted: false };
      } catch (e) {
        if (e instanceof ApiError && e.status.reason === 'Conflict') continue;
        throw e;
      }
    }
  }

  private gracePeriod(obj: KubeObject, opts: DeleteOptions): number {
    if (obj.kind !== 'Pod') return 0;
    const spec = (obj as unknown as { spec?: { nodeName?: string; terminationGracePeriodSeconds?: number } }).spec;
    const phase = (obj as unknown as { status?: { phase?: string } }).status?.phase;
    // Unscheduled or finished pods have no kubelet to wait for.
    if (spec?.nodeName === undefined || spec.nodeName === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
    const g = opts.gracePeriodSeconds ?? obj.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, g);
  }

  private namespaceSpecFinalizers(obj: KubeObject): boolean {
    if (obj.kind !== 'Namespace') return false;
    const f = (obj as unknown as { spec?: { finalizers?: string[] } }).spec?.finalizers;
    return f !== undefined && f.length > 0;
  }

  private async finishDelete(def: ServedResource, obj: KubeObject, rev: number): Promise<KubeObject> {
    const deleted = await this.storage(def).delete(obj.metadata.namespace, obj.metadata.name ?? '', rev);
    if (deleted.kind === 'Service') this.deps.allocations.releaseAll(deleted as Service);
    return deleted;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private checkKind(def: ServedResource, obj: KubeObject, opts: WriteOptions, fromPatch = false): string[] {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw errors.badRequest('the request body must be a JSON object');
    const av = apiVersionOf(def);
    if (obj.kind === undefined || obj.kind === '') obj.kind = def.kind;
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = av;
    if (obj.apiVersion !== av) {
      throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${av})`);
    }
    if (obj.kind !== def.kind) {
      throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
    }
    if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
      throw errors.badRequest(`metadata: expected an object`);
    }
    const gv = parseApiVersion(obj.apiVersion);
    // A create/PUT body fails in the decoder (prefixed with the kinds); a patch result fails on its own.
    const decodeError = (m: string) => errors.badRequest(fromPatch ? m : `${obj.kind} in version ${JSON.stringify(gv.version)} cannot be handled as a ${obj.kind}: ${m}`);
    const mismatch = findTypeMismatch({ group: gv.group, version: gv.version, kind: obj.kind }, obj);
    if (mismatch !== undefined) throw decodeError(typeMismatchMessage(mismatch));
    const mode = opts.fieldValidation ?? 'Warn';
    const unknown = this.deps.hooksFor(obj.kind).unknownFields(obj);
    if (unknown.length === 0) return [];
    if (mode === 'Strict') throw decodeError(strictDecodingMessage(unknown));
    // Whatever the mode, the typed decode upstream does never stores fields the schema lacks.
    pruneFields(obj, unknown);
    return mode === 'Ignore' ? [] : unknown.map(unknownFieldMessage);
  }

  private throwIfInvalid(def: ServedResource, obj: KubeObject, problems: readonly FieldProblem[]): void {
    if (problems.length > 0) throw errors.invalid(def.group, def.kind, obj.metadata?.name ?? '', problems);
  }

  private throwAllocationFailure(def: ServedResource, obj: KubeObject, causes: readonly AllocationCause[]): never {
    const exhausted = causes.find((c) => c.exhausted === true);
    if (exhausted !== undefined) throw errors.internal(exhausted.detail);
    this.throwIfInvalid(def, obj, causes.map((c) => problem(c.field, 'FieldValueInvalid', `Invalid value: ${goValue(c.value)}: ${c.detail}`)));
    throw errors.internal('allocation failed without a cause');
  }

  private async admitNamespace(def: ServedResource, obj: KubeObject): Promise<void> {
    const ns = obj.metadata.namespace ?? '';
    const nsDef = this.deps.resourceByKind('', 'Namespace');
    if (nsDef === undefined) return;
    const nsObj = await this.storage(nsDef).get(undefined, ns);
    if (nsObj === undefined) throw errors.notFound({ group: '', resource: 'namespaces' }, ns);
    if (nsObj.metadata.deletionTimestamp !== undefined) throw errors.namespaceTerminating(def, obj.metadata.name ?? '', ns);
  }

  private setManagedFields(obj: KubeObject, manager: string | undefined, operation: 'Apply' | 'Update', old?: KubeObject): void {
    if (manager === undefined || manager === '') {
      if (old?.metadata.managedFields !== undefined && obj.metadata.managedFields === undefined) obj.metadata.managedFields = old.metadata.managedFields;
      return;
    }
    const entries = (obj.metadata.managedFields ?? old?.metadata.managedFields ?? []).filter((e) => !(e.manager === manager && e.operation === operation));
    entries.push({ manager, operation, apiVersion: obj.apiVersion, time: this.now(), fieldsType: 'FieldsV1', fieldsV1: {} });
    obj.metadata.managedFields = entries;
  }

  private randomSuffix(n: number): string {
    const rnd = this.deps.random ?? Math.random;
    let s = '';
    for (let i = 0; i < n; i++) s += GENERATE_ALPHABET[Math.floor(rnd() * GENERATE_ALPHABET.length)];
    return s;
  }
}

export function problem(field: string, reason: string, message: string): FieldProblem {
  return { field, reason, message, text: `${field}: ${message}` };
}

/** Renders a value the way Go's %#v-ish formatting in field errors does for our simple cases. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  return String(v);
}
