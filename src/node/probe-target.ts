// Where a probe goes: kubelet's port resolution (a number, a named container port, or a number
// written as a string) and the default host (the pod IP). Pure.
import type { Container, IntOrString, Probe } from '../api/index.js';
import { err, ok, type Result } from '../core/index.js';
import type { ProbeTarget } from './runtime.js';

/** ResolveContainerPort. Errors carry Go's wording, shown in "probe errored" events. */
export function resolvePort(port: IntOrString, container: Container): Result<number, string> {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named !== undefined) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else return err(`strconv.Atoi: parsing "${port}": invalid syntax`);
  }
  if (n > 0 && n < 65536) return ok(n);
  return err(`invalid port number: ${n}`);
}

export function probeTarget(probe: Probe, container: Container, podIP: string): Result<ProbeTarget, string> {
  if (probe.exec !== undefined) return ok({ kind: 'exec', command: probe.exec.command ?? [] });
  if (probe.httpGet !== undefined) {
    const h = probe.httpGet;
    const port = resolvePort(h.port, container);
    if (!port.ok) return port;
    let path = h.path ?? '/';
    if (!path.startsWith('/')) path = `/${path}`;
    return ok({
      kind: 'http',
      scheme: (h.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http',
      host: h.host !== undefined && h.host !== '' ? h.host : podIP,
      port: port.value,
      path,
      headers: (h.httpHeaders ?? []).map((x) => ({ name: x.name, value: x.value })),
    });
  }
  if (probe.tcpSocket !== undefined) {
    const port = resolvePort(probe.tcpSocket.port, container);
    if (!port.ok) return port;
    return ok({ kind: 'tcp', host: probe.tcpSocket.host !== undefined && probe.tcpSocket.host !== '' ? probe.tcpSocket.host : podIP, port: port.value });
  }
  if (probe.grpc !== undefined) return ok({ kind: 'grpc', host: podIP, port: probe.grpc.port, service: probe.grpc.service ?? '' });
  return err('missing probe handler');
}
