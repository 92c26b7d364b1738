// The schema is data: one string per field, in a Go-flavoured notation, so each line can
// be read side by side with k8s.io/api's generated.proto and types.go:
//
//   '<field number> <json name> <type> [omitempty | inline]'
//
//   type  := T | *T | []T | map[string]T
//   T     := string | bool | int32 | int64 | bytes          (scalars)
//          | Time | IntOrString | Quantity | FieldsV1     (well-known, custom JSON forms)
//          | <MessageName>                                 (another entry of the schema)
//
// `*T` marks a Go pointer (JSON emits it iff it was on the wire, even when zero);
// a plain T is a Go value (always on the wire from Go, defaulted when absent).
// `omitempty` is the Go JSON tag option; `inline` is an embedded Go struct whose JSON
// fields sit in the parent object (Probe's ProbeHandler, Volume's VolumeSource, ...).
// The JSON name equals the proto field name for every non-inline field (checked when the
// schema was written against types.go); for inline fields it is only a label.

export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'bytes';
export type WellKnownType = 'Time' | 'IntOrString' | 'Quantity' | 'FieldsV1';

export type FieldType =
  | { readonly kind: 'scalar'; readonly name: ScalarType }
  | { readonly kind: 'wellknown'; readonly name: WellKnownType }
  | { readonly kind: 'message'; readonly name: string };

export interface FieldSpec {
  readonly no: number;
  readonly name: string;
  readonly type: FieldType;
  readonly shape: 'single' | 'repeated' | 'map';
  readonly pointer: boolean;
  readonly omitempty: boolean;
  readonly inline: boolean;
}

export interface MessageSpec {
  readonly name: string;
  /** Sorted by field number: the order Go's generated marshallers write them. */
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

export type SchemaSource = Readonly<Record<string, readonly string[]>>;
export type Schema = ReadonlyMap<string, MessageSpec>;

const SCALARS: ReadonlySet<string> = new Set<ScalarType>(['string', 'bool', 'int32', 'int64', 'bytes']);
const WELL_KNOWN: ReadonlySet<string> = new Set<WellKnownType>(['Time', 'IntOrString', 'Quantity', 'FieldsV1']);
const LINE = /^(\d+) ([A-Za-z][A-Za-z0-9]*) (\*|\[\]|map\[string\])?([A-Za-z][A-Za-z0-9]*)(?: (omitempty|inline))?$/;

/**
 * Compiles schema sources into message specs. Throws on malformed lines, duplicate
 * numbers or names, and references to messages that are not defined: the schema is
 * constant data, so a failure here is a programming error caught by the first test run.
 */
export function compileSchema(sources: readonly SchemaSource[]): Schema {
  const out = new Map<string, MessageSpec>();
  for (const source of sources) {
    for (const [msgName, lines] of Object.entries(source)) {
      if (out.has(msgName)) throw new Error(`schema: message ${msgName} defined twice`);
      const fields = lines.map((line) => parseLine(msgName, line)).sort((a, b) => a.no - b.no);
      const byNumber = new Map<number, FieldSpec>();
      const names = new Set<string>();
      for (const f of fields) {
        if (byNumber.has(f.no)) throw new Error(`schema: ${msgName} field number ${f.no} used twice`);
        if (names.has(f.name)) throw new Error(`schema: ${msgName} field name ${f.name} used twice`);
        byNumber.set(f.no, f);
        names.add(f.name);
      }
      out.set(msgName, { name: msgName, fields, byNumber });
    }
  }
  for (const msg of out.values()) {
    for (const f of msg.fields) {
      if (f.type.kind === 'message' && !out.has(f.type.name)) {
        throw new Error(`schema: ${msg.name}.${f.name} refers to undefined message ${f.type.name}`);
      }
    }
  }
  return out;
}

function parseLine(msgName: string, line: string): FieldSpec {
  const m = LINE.exec(line);
  if (!m) throw new Error(`schema: ${msgName}: cannot parse '${line}'`);
  const [, noText, name, prefix, typeName, flag] = m as unknown as [string, string, string, string | undefined, string, string | undefined];
  const no = Number(noText);
  if (no < 1 || no > 536870911) throw new Error(`schema: ${msgName}.${name}: field number ${no} out of range`);
  const type: FieldType = SCALARS.has(typeName)
    ? { kind: 'scalar', name: typeName as ScalarType }
    : WELL_KNOWN.has(typeName)
      ? { kind: 'wellknown', name: typeName as WellKnownType }
      : { kind: 'message', name: typeName };
  const shape = prefix === '[]' ? 'repeated' : prefix === 'map[string]' ? 'map' : 'single';
  const inline = flag === 'inline';
  if (inline && (type.kind !== 'message' || shape !== 'single' || prefix === '*')) {
    throw new Error(`schema: ${msgName}.${name}: only a value message field can be inline`);
  }
  return { no, name, type, shape, pointer: prefix === '*', omitempty: flag === 'omitempty', inline };
}
