// JSON type checking of a decoded body against its kind's OpenAPI schema. kube-apiserver
// decodes bodies into Go structs, so a number where a string belongs (metadata.name: 5,
// spec: "x") is a 400 before defaulting or validation run; without this check those
// values reach code that assumes the declared types and fail as 500s.
import { resolveSchema, schemaFor, type GroupVersionKind, type OpenApiSchema } from '../api/schema/index.js';

export interface TypeMismatch {
  /** e.g. "spec.ports[0].port" */
  readonly path: string;
  /** The JSON type the schema declares ("string", "integer", "object", ...). */
  readonly expected: string;
  /** What the body has, named as Go's decoder names it ("number", "string", "bool", "array", "object"). */
  readonly got: string;
}

const jsonType = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fits(schema: OpenApiSchema, v: unknown): boolean {
  switch (schema.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isPlainObject(v);
    default:
      return true;
  }
}

function walk(value: unknown, declared: OpenApiSchema, path: string): TypeMismatch | undefined {
  // JSON null decodes to the zero value of any Go field.
  if (value === null || value === undefined) return undefined;
  const schema = resolveSchema(declared);
  if (schema === undefined) return undefined;
  const intOrString = schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string';
  if (intOrString) return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? undefined : { path, expected: 'integer or string', got: jsonType(value) };
  if (schema.oneOf !== undefined) {
    return schema.oneOf.some((o) => fits(o, value)) ? undefined : { path, expected: schema.oneOf.map((o) => o.type ?? '?').join(' or '), got: jsonType(value) };
  }
  const type = schema.type ?? (schema.properties !== undefined ? 'object' : undefined);
  if (type === undefined) return undefined;
  if (!fits({ type }, value)) return { path, expected: type, got: jsonType(value) };
  if (type === 'array' && schema.items !== undefined) {
    const arr = value as unknown[];
    for (let i = 0; i < arr.length; i++) {
      const m = walk(arr[i], schema.items, `${path}[${i}]`);
      if (m !== undefined) return m;
    }
  }
  if (type === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const member = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (member === undefined) continue; // unknown fields are the unknown-field check's business
      const m = walk(v, member, path === '' ? k : `${path}.${k}`);
      if (m !== undefined) return m;
    }
  }
  return undefined;
}

/** The first member of `obj` whose JSON type the schema of `gvk` does not allow, in document order. */
export function findTypeMismatch(gvk: GroupVersionKind, obj: unknown): TypeMismatch | undefined {
  const root = schemaFor(gvk);
  return root === undefined ? undefined : walk(obj, root.schema, '');
}

/** Go's wording, with our field path in place of the Go struct field name. */
export function typeMismatchMessage(m: TypeMismatch): string {
  return `json: cannot unmarshal ${m.got} into Go struct field ${m.path} of type ${m.expected}`;
}
