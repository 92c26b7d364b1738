// Group ids for service ports. A service port keeps its id for as long as it exists, so
// an endpoint change is a group modify, never a re-number (which would rewrite every
// flow naming the group). Ids are handed out in increasing order and a released id is
// not handed out again until the counter has run through the whole id space — so an id
// never names a different service while flows, learned affinity flows or a dump someone
// is reading may still refer to the old one. When the space is exhausted, released ids
// are reused oldest first, and never within the sync (generation) that released them.
import { OFPG_MAX } from '../../../dataplane/openflow/flow-mod.js';

export class GroupIdAllocator {
  private readonly ids = new Map<string, number>();
  private readonly owners = new Map<number, string>();
  private next: number;
  private readonly released: { id: number; generation: number }[] = [];
  private generation = 0;

  /** @param first first id handed out; @param max largest id (OpenFlow: 0xffffff00). */
  constructor(
    first = 1,
    private readonly max = OFPG_MAX,
  ) {
    this.next = first;
  }

  /** The id of `key`, allocating one if needed; undefined when the space is full. */
  acquire(key: string): number | undefined {
    const have = this.ids.get(key);
    if (have !== undefined) return have;
    let id: number | undefined;
    if (this.next <= this.max) id = this.next++;
    else {
      const i = this.released.findIndex((r) => r.generation < this.generation);
      if (i >= 0) id = this.released.splice(i, 1)[0]?.id;
    }
    if (id === undefined) return undefined;
    this.ids.set(key, id);
    this.owners.set(id, key);
    return id;
  }

  get(key: string): number | undefined {
    return this.ids.get(key);
  }

  release(key: string): void {
    const id = this.ids.get(key);
    if (id === undefined) return;
    this.ids.delete(key);
    this.owners.delete(id);
    this.released.push({ id, generation: this.generation });
  }

  /** Marks the end of a sync: ids released so far become reusable (once the space is exhausted). */
  endGeneration(): void {
    this.generation++;
  }

  ownerOf(id: number): string | undefined {
    return this.owners.get(id);
  }

  size(): number {
    return this.ids.size;
  }
}
