// namespaces: NAME STATUS AGE; leases: NAME HOLDER AGE; configmaps: NAME DATA AGE;
// secrets: NAME TYPE DATA AGE (printers.go printNamespace, printLease, printConfigMap,
// printSecret) and the fallback for everything else, modelled on the custom resource table
// convertor (apiextensions-apiserver tableconvertor.go with the default Age column):
// NAME, then AGE typed "date".
import type { ConfigMap, KubeObject, Lease, Namespace } from '../types/index.js';
import { DOC } from './column-docs.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const age = (obj: KubeObject, ctx: PrintContext): string => translateTimestampSince(obj.metadata.creationTimestamp, ctx.nowMs);
const count = (m: Readonly<Record<string, unknown>> | undefined): number => Object.keys(m ?? {}).length;

export const namespacePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  row: (obj, ctx) => ({ cells: [obj.metadata.name ?? '', (obj as Namespace).status?.phase ?? '', age(obj, ctx)] }),
};

export const leasePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Holder', 'string', DOC.holderIdentity), AGE_COLUMN],
  row: (obj, ctx) => ({ cells: [obj.metadata.name ?? '', (obj as Lease).spec?.holderIdentity ?? '', age(obj, ctx)] }),
};

export const configMapPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Data', 'string', DOC.cmData), AGE_COLUMN],
  row: (obj, ctx) => {
    const cm = obj as ConfigMap;
    return { cells: [cm.metadata.name ?? '', count(cm.data) + count(cm.binaryData), age(obj, ctx)] };
  },
};

/** The fields printSecret reads; a full Secret type is not modelled in api/types yet. */
interface SecretLike extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export const secretPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Type', 'string', DOC.secretType), column('Data', 'string', DOC.secretData), AGE_COLUMN],
  row: (obj, ctx) => {
    const s = obj as SecretLike;
    // v1 defaulting sets type Opaque.
    return { cells: [s.metadata.name ?? '', s.type ?? 'Opaque', count(s.data), age(obj, ctx)] };
  },
};

/** Custom resources without additionalPrinterColumns: Name, and Age typed "date" (format ""). */
export const genericPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column('Age', 'date', DOC.creationTimestamp)],
  row: (obj: KubeObject, ctx: PrintContext): PrintedRow => ({ cells: [obj.metadata.name ?? '', age(obj, ctx)] }),
};
