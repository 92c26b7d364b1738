// events: LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE FIRST SEEN COUNT NAME
// (printers.go printEvent; the wide columns sit between and after the default ones, which is
// why SUBOBJECT and SOURCE come before MESSAGE in the row).
import type { Event, KubeObject } from '../types/index.js';
import { DOC } from './column-docs.js';
import { parseTimestamp, translateTimestampSince } from './human-duration.js';
import { column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const COLUMNS = [
  column('Last Seen', 'string', DOC.evLast),
  column('Type', 'string', DOC.evType),
  column('Reason', 'string', DOC.evReason),
  column('Object', 'string', DOC.evInvolved),
  column('Subobject', 'string', DOC.fieldPath, { priority: 1 }),
  column('Source', 'string', DOC.evSource, { priority: 1 }),
  column('Message', 'string', DOC.evMessage),
  column('First Seen', 'string', DOC.evFirst, { priority: 1 }),
  column('Count', 'string', DOC.evCount, { priority: 1 }),
  column('Name', 'string', DOC.name, { priority: 1, format: 'name' }),
];

/** formatEventSource: component (or reportingController), then ", host" (or reportingInstance). */
export function formatEventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance === '' ? component : `${component}, ${instance}`;
}

export function printEvent(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const ev = obj as Event;
  // events.k8s.io-style events only carry eventTime / series.
  const firstSeen = parseTimestamp(ev.firstTimestamp) === undefined ? translateTimestampSince(ev.eventTime, ctx.nowMs) : translateTimestampSince(ev.firstTimestamp, ctx.nowMs);
  let lastSeen = parseTimestamp(ev.lastTimestamp) === undefined ? firstSeen : translateTimestampSince(ev.lastTimestamp, ctx.nowMs);
  let count = ev.count ?? 0;
  if (ev.series !== undefined && ev.series !== null) {
    lastSeen = translateTimestampSince(ev.series.lastObservedTime, ctx.nowMs);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const io = ev.involvedObject ?? {};
  const kind = (io.kind ?? '').toLowerCase();
  const target = io.name ? `${kind}/${io.name}` : kind;
  return {
    cells: [
      lastSeen,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      io.fieldPath ?? '',
      formatEventSource(ev),
      (ev.message ?? '').trim(),
      firstSeen,
      count,
      ev.metadata.name ?? '',
    ],
  };
}

export const eventPrinter: ResourcePrinter = { columns: COLUMNS, row: printEvent };
