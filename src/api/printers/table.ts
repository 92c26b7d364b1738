// meta.k8s.io/v1 Table shapes (k8s.io/apimachinery/pkg/apis/meta/v1/types.go) and the small
// contract every resource printer implements.
import { err, ok, type Result } from '../../core/index.js';
import type { KubeObject, ListMeta, ObjectMeta } from '../types/index.js';
import { DOC } from './column-docs.js';
import type { FieldProjection } from './field-projection.js';

/** Every field is serialized, even empty ones (no omitempty upstream). */
export interface TableColumnDefinition {
  readonly name: string;
  /** OpenAPI type: string, integer, number, boolean, date (CRD columns). */
  readonly type: string;
  /** "name" marks the column holding the object name. */
  readonly format: string;
  readonly description: string;
  /** 0 = always shown; 1 = shown by `kubectl get -o wide` only. */
  readonly priority: number;
}

export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  readonly type: 'Completed';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';

export interface PartialObjectMetadata {
  readonly kind: 'PartialObjectMetadata';
  readonly apiVersion: string;
  readonly metadata: ObjectMeta;
}

export interface TableRow {
  readonly cells: readonly TableCell[];
  readonly conditions?: readonly TableRowCondition[];
  /** PartialObjectMetadata (Metadata, the default), the object (Object), or null (None). */
  readonly object: PartialObjectMetadata | KubeObject | null;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: string;
  readonly metadata: ListMeta;
  /** null when the request asked for noHeaders (a nil slice upstream). */
  readonly columnDefinitions: readonly TableColumnDefinition[] | null;
  readonly rows: readonly TableRow[];
}

export interface PrintContext {
  /** The injected clock reading every AGE / LAST SEEN is relative to. */
  readonly nowMs: number;
}

export interface PrintedRow {
  readonly cells: readonly TableCell[];
  readonly conditions?: readonly TableRowCondition[];
}

/**
 * One resource's server-side printer. Rows always carry every column, wide ones included:
 * kube-apiserver generates tables with Wide=true and kubectl hides priority>0 columns itself.
 */
export interface ResourcePrinter {
  readonly columns: readonly TableColumnDefinition[];
  row(obj: KubeObject, ctx: PrintContext): PrintedRow;
  /**
   * Every field `row` reads (absent: it may read anything). `row(projectFields(obj, fields))`
   * must equal `row(obj)`: the API server prints big lists from projected stored JSON.
   */
  readonly fields?: FieldProjection;
  /**
   * `row` in two stages, so a server can keep stage one per object version:
   * `finish(prepare(obj), ctx)` must equal `row(obj, ctx)`, and only `finish` may depend on
   * the clock. `prepare`'s result is kept and shared: finish must not modify it.
   */
  readonly staged?: StagedRow;
}

export interface StagedRow {
  prepare(obj: KubeObject): unknown;
  finish(prepared: unknown, ctx: PrintContext): PrintedRow;
}

export function column(name: string, type: string, description: string, extra: { priority?: number; format?: string } = {}): TableColumnDefinition {
  return { name, type, format: extra.format ?? '', description, priority: extra.priority ?? 0 };
}

export const NAME_COLUMN = column('Name', 'string', DOC.name, { format: 'name' });
export const AGE_COLUMN = column('Age', 'string', DOC.creationTimestamp);

/** The TableOptions `includeObject` query parameter; absent means Metadata. */
export function parseIncludeObject(value: string | undefined): Result<IncludeObjectPolicy, string> {
  if (value === undefined || value === '' || value === 'Metadata') return ok('Metadata');
  if (value === 'None' || value === 'Object') return ok(value);
  return err(`unrecognized includeObject value: ${JSON.stringify(value)}`);
}
