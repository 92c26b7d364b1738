// field.Path: the dotted/bracketed location of a field, printed exactly as upstream's
// Path.String(). Root names are printed bare, children after a dot, indexes and map keys in
// brackets without quotes: spec.ports[0].port, metadata.annotations[foo.io/bar].
// Quirk kept on purpose: a root with an empty name prints "[]" (ConfigMap size errors).

type Segment = { readonly name: string } | { readonly index: string };

export class FieldPath {
  private constructor(private readonly segments: readonly Segment[]) {}

  static root(name: string, ...more: string[]): FieldPath {
    return new FieldPath([{ name }, ...more.map((n) => ({ name: n }))]);
  }

  child(name: string, ...more: string[]): FieldPath {
    return new FieldPath([...this.segments, { name }, ...more.map((n) => ({ name: n }))]);
  }

  index(i: number): FieldPath {
    return new FieldPath([...this.segments, { index: String(i) }]);
  }

  key(k: string): FieldPath {
    return new FieldPath([...this.segments, { index: k }]);
  }

  toString(): string {
    let out = '';
    this.segments.forEach((s, i) => {
      if ('name' in s && s.name.length > 0) {
        if (i > 0) out += '.';
        out += s.name;
      } else {
        out += `[${'index' in s ? s.index : ''}]`;
      }
    });
    return out;
  }
}

export const fieldPath = FieldPath.root;
