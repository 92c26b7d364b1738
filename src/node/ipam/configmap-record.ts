// A ConfigMap used as a small compare-and-swap record shared by agents on different nodes.
// Every change is read -> pure transform -> PUT with the read resourceVersion (or create when
// absent); a 409 Conflict / AlreadyExists means another agent wrote first, so the transform
// is re-applied to the fresh copy. Changes submitted while a write is in flight are batched
// into the next write, so 20 pods starting at once cost a handful of writes, not 20.
import type { ConfigMap } from '../../api/index.js';
import { isAlreadyExists, isConflict, isNotFound, Resources, type RestClient } from '../../client/index.js';

export type RecordClient = Pick<RestClient, 'get' | 'create' | 'update'>;
/** A pure transform of the record's data; return the same object to signal "no change". */
export type RecordOp<R> = (data: Readonly<Record<string, string>>) => { readonly data: Readonly<Record<string, string>>; readonly result: R };

type OpResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

interface Pending {
  readonly op: RecordOp<unknown>;
  readonly resolve: (r: unknown) => void;
  readonly reject: (e: unknown) => void;
}

export class ConfigMapRecord {
  private pending: Pending[] = [];
  private running = false;
  /** Writes attempted (for tests and figures). */
  writes = 0;
  conflicts = 0;

  constructor(
    private readonly client: RecordClient,
    readonly namespace: string,
    readonly name: string,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly maxAttempts = 100,
  ) {}

  apply<R>(op: RecordOp<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ op: op as RecordOp<unknown>, resolve: resolve as (r: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  /** The current data (a plain read, no batching). */
  async read(): Promise<Record<string, string> | undefined> {
    try {
      const cm = await this.client.get<ConfigMap>(Resources.configmaps, this.namespace, this.name);
      return { ...(cm.data ?? {}) };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          const results = await this.commit(batch.map((p) => p.op));
          batch.forEach((p, i) => {
            const r = results[i]!;
            if (r.ok) p.resolve(r.value);
            else p.reject(r.error);
          });
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Applies the batch to a fresh copy and writes it; an op that throws fails alone. */
  private async commit(ops: readonly RecordOp<unknown>[]): Promise<OpResult[]> {
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      let current: ConfigMap | undefined;
      try {
        current = await this.client.get<ConfigMap>(Resources.configmaps, this.namespace, this.name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const before = current?.data ?? {};
      let data: Readonly<Record<string, string>> = before;
      const results: OpResult[] = [];
      for (const op of ops) {
        try {
          const r = op(data);
          data = r.data;
          results.push({ ok: true, value: r.result });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      if (data === before || sameData(data, before)) return results;
      this.writes++;
      try {
        if (current === undefined) {
          await this.client.create<ConfigMap>(Resources.configmaps, this.namespace, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
            data: { ...data },
          });
        } else {
          await this.client.update<ConfigMap>(Resources.configmaps, this.namespace, { ...current, data: { ...data } });
        }
        return results;
      } catch (e) {
        if (!isConflict(e) && !isAlreadyExists(e)) throw e;
        this.conflicts++;
      }
    }
    throw new Error(`configmap ${this.namespace}/${this.name}: gave up after ${this.maxAttempts} conflicting writes`);
  }
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] === a[k]);
}
