// Sets of field paths, as server-side apply tracks ownership, and their FieldsV1 wire form.
//
// A path is a list of path elements spelled as in FieldsV1:
//   "f:<name>"               a map field                      .spec
//   'k:{"port":80,"protocol":"TCP"}'  an associative-list item  [port=80,protocol="TCP"]
//   'v:"example.com/x"'      a set-list item                  [="example.com/x"]
//   "i:3"                    a list item by index             [3]
// A set is a tree. A node is a *member* when that path itself is in the set. FieldsV1 writes a
// member leaf as {} and a member with children as {".": {}, ...children}.
import { isJsonObject, setOwn, type Json, type JsonObject } from './json.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

interface Node {
  member: boolean;
  readonly children: Map<PathElement, Node>;
}

const newNode = (): Node => ({ member: false, children: new Map() });

export class FieldSet {
  private constructor(private readonly root: Node) {}

  static empty(): FieldSet {
    return new FieldSet(newNode());
  }

  static of(paths: Iterable<FieldPath>): FieldSet {
    const s = FieldSet.empty();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; sets are built by walkers and then treated as values). */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    let n = this.root;
    for (const pe of path) {
      let c = n.children.get(pe);
      if (c === undefined) n.children.set(pe, (c = newNode()));
      n = c;
    }
    n.member = true;
  }

  has(path: FieldPath): boolean {
    const n = this.node(path);
    return n !== undefined && n.member;
  }

  /** The subtree under `pe` (members keep their paths relative to it). */
  child(pe: PathElement): FieldSet | undefined {
    const c = this.root.children.get(pe);
    return c === undefined ? undefined : new FieldSet(c);
  }

  /** Whether this set's root path itself is a member (meaningful for subtrees from `child`). */
  get isMember(): boolean {
    return this.root.member;
  }

  childElements(): PathElement[] {
    return [...this.root.children.keys()];
  }

  isEmpty(): boolean {
    return isEmptyNode(this.root, true);
  }

  union(o: FieldSet): FieldSet {
    return new FieldSet(unionNode(this.root, o.root));
  }

  /** Members of this set that are not members of `o` (exact paths). */
  difference(o: FieldSet): FieldSet {
    return new FieldSet(diffNode(this.root, o.root) ?? newNode());
  }

  intersection(o: FieldSet): FieldSet {
    return new FieldSet(interNode(this.root, o.root) ?? newNode());
  }

  /** Removes every path that equals or lies under a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    return new FieldSet(recDiffNode(this.root, o.root) ?? newNode());
  }

  /** Member paths, in structured-merge-diff's iteration order (members of a level first). */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (n: Node, prefix: PathElement[]) => {
      const kids = sortedChildren(n);
      for (const [pe, c] of kids) if (c.member) out.push([...prefix, pe]);
      for (const [pe, c] of kids) if (c.children.size > 0) walk(c, [...prefix, pe]);
    };
    walk(this.root, []);
    return out;
  }

  toFieldsV1(): JsonObject {
    return encodeNode(this.root);
  }

  /** Parses FieldsV1; returns an error string for anything that is not that format. */
  static fromFieldsV1(v: Json | undefined): FieldSet | string {
    if (!isJsonObject(v)) return 'FieldsV1 must be an object';
    const root = decodeNode(v, 0);
    return typeof root === 'string' ? root : new FieldSet(root);
  }

  private node(path: FieldPath): Node | undefined {
    let n: Node | undefined = this.root;
    for (const pe of path) {
      n = n.children.get(pe);
      if (n === undefined) return undefined;
    }
    return n;
  }
}

function isEmptyNode(n: Node, isRoot: boolean): boolean {
  if (n.member && !isRoot) return false;
  for (const c of n.children.values()) if (!isEmptyNode(c, false)) return false;
  return true;
}

function unionNode(a: Node, b: Node): Node {
  const out: Node = { member: a.member || b.member, children: new Map() };
  for (const [pe, c] of a.children) out.children.set(pe, unionNode(c, b.children.get(pe) ?? newNode()));
  for (const [pe, c] of b.children) if (!a.children.has(pe)) out.children.set(pe, unionNode(c, newNode()));
  return out;
}

function prune(n: Node): Node | undefined {
  return n.member || n.children.size > 0 ? n : undefined;
}

function diffNode(a: Node, b: Node | undefined): Node | undefined {
  const out: Node = { member: a.member && !(b?.member ?? false), children: new Map() };
  for (const [pe, c] of a.children) {
    const d = diffNode(c, b?.children.get(pe));
    if (d !== undefined) out.children.set(pe, d);
  }
  return prune(out);
}

function interNode(a: Node, b: Node): Node | undefined {
  const out: Node = { member: a.member && b.member, children: new Map() };
  for (const [pe, c] of a.children) {
    const bc = b.children.get(pe);
    if (bc === undefined) continue;
    const i = interNode(c, bc);
    if (i !== undefined) out.children.set(pe, i);
  }
  return prune(out);
}

function recDiffNode(a: Node, b: Node): Node | undefined {
  const out: Node = { member: a.member, children: new Map() };
  for (const [pe, c] of a.children) {
    const bc = b.children.get(pe);
    if (bc?.member) continue;
    const d = bc === undefined ? c : recDiffNode(c, bc);
    if (d !== undefined) out.children.set(pe, d);
  }
  return prune(out);
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function comparePE(a: PathElement, b: PathElement): number {
  const ra = RANK[a[0] ?? ''] ?? 4;
  const rb = RANK[b[0] ?? ''] ?? 4;
  if (ra !== rb) return ra - rb;
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedChildren(n: Node): [PathElement, Node][] {
  return [...n.children].sort(([a], [b]) => comparePE(a, b));
}

function encodeNode(n: Node): JsonObject {
  const out: JsonObject = {};
  if (n.member && n.children.size > 0) out['.'] = {};
  for (const [pe, c] of sortedChildren(n)) setOwn(out, pe, encodeNode(c));
  return out;
}

function decodeNode(v: JsonObject, depth: number): Node | string {
  if (depth > 1000) return 'FieldsV1 is nested too deeply';
  const n = newNode();
  for (const key of Object.keys(v)) {
    const child = v[key] as Json;
    if (!isJsonObject(child)) return `FieldsV1 entry ${JSON.stringify(key)} must be an object`;
    if (key === '.') {
      n.member = true;
      continue;
    }
    const bad = checkPathElement(key);
    if (bad !== undefined) return bad;
    const c = decodeNode(child, depth + 1);
    if (typeof c === 'string') return c;
    if (c.children.size === 0) c.member = true;
    n.children.set(key, c);
  }
  return n;
}

function checkPathElement(pe: string): string | undefined {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case 'f:':
      return undefined;
    case 'i:':
      return /^\d+$/.test(body) ? undefined : `invalid FieldsV1 index ${JSON.stringify(pe)}`;
    case 'k:':
    case 'v:':
      try {
        const parsed = JSON.parse(body) as Json;
        if (pe[0] === 'k' && !isJsonObject(parsed)) return `invalid FieldsV1 key ${JSON.stringify(pe)}`;
        return undefined;
      } catch {
        return `invalid FieldsV1 element ${JSON.stringify(pe)}`;
      }
    default:
      return `unknown FieldsV1 path element ${JSON.stringify(pe)}`;
  }
}

// ---- building and printing path elements -------------------------------------------------------

export const fieldPE = (name: string): PathElement => `f:${name}`;

/** Key fields are sorted by name, as structured-merge-diff does. */
export function keyPE(key: Readonly<Record<string, Json>>): PathElement {
  const sorted: JsonObject = {};
  for (const k of Object.keys(key).sort()) setOwn(sorted, k, key[k] as Json);
  return `k:${JSON.stringify(sorted)}`;
}

export const valuePE = (v: Json): PathElement => `v:${JSON.stringify(v)}`;

/** structured-merge-diff's value.ToString: strings quoted, others as Go prints them. */
function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (typeof v === 'object') return Object.keys(v).map((k) => `${k}=${valueString(v[k] as Json)}`).join('');
  return String(v);
}

/** Human form used in conflict messages: `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.keys(key).map((k) => `${k}=${valueString(key[k] as Json)}`).join(',')}]`;
        }
        case 'v:':
          return `[=${valueString(JSON.parse(body) as Json)}]`;
        case 'i:':
          return `[${body}]`;
        default:
          return pe;
      }
    })
    .join('');
}
