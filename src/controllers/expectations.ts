// ControllerExpectations (client-go controller_utils.go): after a controller issues N
// creates or deletes for a key it must not act on that key again until its informer has
// observed them, or it would act twice on a stale cache. Expectations expire after a TTL
// (5 minutes upstream) so a lost watch event cannot wedge a key forever.
import type { Clock } from '../core/index.js';

interface Expectation {
  add: number;
  del: number;
  /** uids expected to disappear; a delete is counted once per uid. */
  readonly deleting: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** True when nothing is outstanding (or the outstanding expectation expired). */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (e === undefined) return true;
    if ((e.add <= 0 && e.del <= 0) || this.clock.now() - e.at > this.ttlMs) {
      this.byKey.delete(key);
      return true;
    }
    return false;
  }

  expect(key: string, creates: number, deletedUids: readonly string[]): void {
    const e = this.byKey.get(key) ?? { add: 0, del: 0, deleting: new Set<string>(), at: 0 };
    e.add += creates;
    for (const u of deletedUids) {
      if (!e.deleting.has(u)) {
        e.deleting.add(u);
        e.del++;
      }
    }
    e.at = this.clock.now();
    this.byKey.set(key, e);
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e !== undefined) e.add--;
  }

  deletionObserved(key: string, uid: string): void {
    const e = this.byKey.get(key);
    if (e !== undefined && e.deleting.delete(uid)) e.del--;
  }

  /** A create that failed will never be observed. */
  creationFailed(key: string): void {
    this.creationObserved(key);
  }

  deleteFailed(key: string, uid: string): void {
    this.deletionObserved(key, uid);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
