export { toTable, printerFor, hasDedicatedPrinter, type TableOptions, type TableGroupVersion } from './to-table.js';
export {
  parseIncludeObject,
  type IncludeObjectPolicy,
  type PartialObjectMetadata,
  type PrintContext,
  type PrintedRow,
  type ResourcePrinter,
  type StagedRow,
  type Table,
  type TableCell,
  type TableColumnDefinition,
  type TableRow,
  type TableRowCondition,
} from './table.js';
export { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.js';
export { formatLabels } from './format.js';
export { serviceExternalIP, servicePorts } from './service-printer.js';
export { formatEndpoints } from './endpoints-printers.js';
export { nodeRoles, nodeStatus } from './node-printer.js';
export { loadBalancerIPPoolPrinter } from './lb-pool-printer.js';
export { projectFields, type FieldProjection } from './field-projection.js';
