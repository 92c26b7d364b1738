// exec and logs for the API server (kubelet's /exec and /containerLogs endpoints), served from
// the agent's records and the runtime. `routeByNode` joins several agents behind the single
// connector the API server takes, dispatching on pod.spec.nodeName.
import type { Pod } from '../api/index.js';
import type { Clock } from '../core/index.js';
import type { ExecIO, ExecOutcome, ExecRequest, ExecSession, ExecStart, LogOptions, LogOutcome, NodeConnector } from './connector-types.js';
import { LogFormatter, selectLines } from './log-read.js';
import { isRunning, type PodRecord } from './pod-record.js';
import type { PodRuntime } from './runtime.js';

export interface ConnectorHost {
  readonly nodeName: string;
  readonly runtime: PodRuntime;
  readonly clock: Clock;
  /** The record of this pod (matched by UID), if the agent runs it. */
  find(pod: Pod): PodRecord | undefined;
}

/** An exec whose process could not start: the stream opens, then reports the error. */
class FailedSession implements ExecSession {
  readonly done: Promise<ExecOutcome>;
  constructor(message: string) {
    this.done = Promise.resolve({ kind: 'error', message });
  }
  stdin(): void {}
  closeStdin(): void {}
  resize(): void {}
  kill(): void {}
}

export class AgentConnector implements NodeConnector {
  constructor(private readonly host: ConnectorHost) {}

  private podMissing(pod: Pod): { kind: 'refused'; reason: 'NotFound'; message: string } {
    return { kind: 'refused', reason: 'NotFound', message: `pod "${pod.metadata.name ?? ''}" not found on node ${this.host.nodeName}` };
  }

  async exec(pod: Pod, req: ExecRequest, io: ExecIO): Promise<ExecStart> {
    const st = this.host.find(pod);
    if (st === undefined) return this.podMissing(pod);
    const rec = st.containers.get(req.container);
    if (rec === undefined || !isRunning(rec)) return { kind: 'refused', reason: 'BadRequest', message: `container not found ("${req.container}")` };
    const r = await this.host.runtime.exec(rec.current!.id, { command: req.command, tty: req.tty, stdin: req.stdin }, io);
    if (r.kind === 'error') return { kind: 'started', session: new FailedSession(`failed to exec in container: ${r.message}`) };
    return { kind: 'started', session: r.session };
  }

  async logs(pod: Pod, opts: LogOptions, write: (chunk: string) => void, signal: AbortSignal): Promise<LogOutcome> {
    const st = this.host.find(pod);
    if (st === undefined) return this.podMissing(pod);
    const name = pod.metadata.name ?? '';
    const rec = st.containers.get(opts.container);
    if (rec === undefined) return { kind: 'refused', reason: 'BadRequest', message: `container ${opts.container} is not valid for pod ${name}` };
    const inc = opts.previous ? rec.previous : rec.current;
    if (inc === undefined) {
      if (opts.previous) return { kind: 'refused', reason: 'BadRequest', message: `previous terminated container "${opts.container}" in pod "${name}" not found` };
      return { kind: 'refused', reason: 'BadRequest', message: `container "${opts.container}" in pod "${name}" is waiting to start: ${rec.waiting?.reason ?? 'ContainerCreating'}` };
    }
    const src = this.host.runtime.logs(inc.id);
    if (src === undefined) return { kind: 'refused', reason: 'InternalError', message: `failed to get container status "${inc.id}": container log is gone` };
    const fmt = new LogFormatter(opts);
    for (const line of selectLines(src.lines(), opts, this.host.clock.now())) {
      const text = fmt.format(line);
      if (text !== '') write(text);
      if (fmt.exhausted) return { kind: 'done' };
    }
    if (!opts.follow || signal.aborted) return { kind: 'done' };
    await new Promise<void>((resolve) => {
      let unsubscribe: () => void = () => {};
      const finish = () => {
        unsubscribe();
        signal.removeEventListener('abort', finish);
        resolve();
      };
      unsubscribe = src.follow((line) => {
        const text = fmt.format(line);
        if (text !== '') write(text);
        if (fmt.exhausted) finish();
      }, finish);
      signal.addEventListener('abort', finish);
    });
    return { kind: 'done' };
  }
}

/** One connector for the API server over many agents, chosen by the pod's node. */
export function routeByNode(lookup: (nodeName: string) => NodeConnector | undefined): NodeConnector {
  const pick = (pod: Pod) => lookup(pod.spec?.nodeName ?? '');
  const none = (pod: Pod) => ({ kind: 'refused' as const, reason: 'InternalError' as const, message: `no node agent for node "${pod.spec?.nodeName ?? ''}"` });
  return {
    exec: (pod, req, io) => pick(pod)?.exec(pod, req, io) ?? Promise.resolve(none(pod)),
    logs: (pod, opts, write, signal) => pick(pod)?.logs(pod, opts, write, signal) ?? Promise.resolve(none(pod)),
  };
}
