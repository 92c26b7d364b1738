// Query and path parameters of Kubernetes REST operations, in OpenAPI v3 form.
// kubectl's field-validation check looks for a query parameter named "fieldValidation" on the
// PATCH operation of the object's GVK; without it kubectl falls back to client-side schema
// validation (and refuses when no schema can be had).

export interface ParameterV3 {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: { readonly type: 'string' | 'boolean' | 'integer'; readonly uniqueItems?: true };
}

const q = (name: string, type: 'string' | 'boolean' | 'integer', description: string): ParameterV3 => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

export const P = {
  name: (kind: string): ParameterV3 => ({ name: 'name', in: 'path', description: `name of the ${kind}`, required: true, schema: { type: 'string', uniqueItems: true } }),
  namespace: { name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: { type: 'string', uniqueItems: true } } as ParameterV3,
  pretty: q('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: q('dryRun', 'string', 'When present, the request is fully processed but nothing is persisted. The only valid value is "All".'),
  fieldManager: q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields. At most 128 printable characters. Required for apply patches.'),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'How the server treats unknown and duplicate fields in the request body: "Ignore" drops them silently, "Warn" (default) accepts the request and returns one Warning header per field, "Strict" fails the request with BadRequest.',
  ),
  force: q('force', 'boolean', 'Apply patches only: take ownership of fields other managers own instead of failing with a conflict.'),
  allowWatchBookmarks: q('allowWatchBookmarks', 'boolean', 'Watch only: ask for BOOKMARK events carrying the latest resourceVersion.'),
  continue: q('continue', 'string', 'Token from a previous limited list call, to fetch the next page.'),
  fieldSelector: q('fieldSelector', 'string', 'Restrict the result by field values, e.g. metadata.name=foo.'),
  labelSelector: q('labelSelector', 'string', 'Restrict the result by labels, e.g. app=web,tier!=db.'),
  limit: q('limit', 'integer', 'Maximum number of items to return; a continue token is returned when more exist.'),
  resourceVersion: q('resourceVersion', 'string', 'Which version of the collection may be served; for watches, the version to start from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: "NotOlderThan" or "Exact".'),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout of the list or watch call.'),
  watch: q('watch', 'boolean', 'Watch for changes and return them as a stream of events.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 means immediately.'),
  ignoreStoreReadError: q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Delete objects that cannot be read from storage. Dangerous.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Garbage collection of dependents: "Orphan", "Background" or "Foreground".'),
  container: q('container', 'string', 'Container to use; optional when the pod has one container.'),
  command: q('command', 'string', 'Command to run, one parameter per argument.'),
  stdin: q('stdin', 'boolean', 'Attach standard input.'),
  stdout: q('stdout', 'boolean', 'Attach standard output.'),
  stderr: q('stderr', 'boolean', 'Attach standard error.'),
  tty: q('tty', 'boolean', 'Allocate a terminal.'),
  follow: q('follow', 'boolean', 'Stream the log as it grows.'),
  limitBytes: q('limitBytes', 'integer', 'Stop after this many bytes.'),
  previous: q('previous', 'boolean', 'Log of the previous, terminated instance of the container.'),
  sinceSeconds: q('sinceSeconds', 'integer', 'Only lines newer than this many seconds.'),
  tailLines: q('tailLines', 'integer', 'Only this many lines from the end.'),
  timestamps: q('timestamps', 'boolean', 'Prefix each line with its RFC 3339 timestamp.'),
} as const;

export const LIST_PARAMS: readonly ParameterV3[] = [
  P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch,
  P.sendInitialEvents, P.timeoutSeconds, P.watch,
];
export const WRITE_PARAMS: readonly ParameterV3[] = [P.dryRun, P.fieldManager, P.fieldValidation];
export const PATCH_PARAMS: readonly ParameterV3[] = [...WRITE_PARAMS, P.force];
export const DELETE_PARAMS: readonly ParameterV3[] = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
