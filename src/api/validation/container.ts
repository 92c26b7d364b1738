// Container-level rules of ValidatePodSpec (pkg/apis/core/validation: validateContainerCommon,
// validateContainers, validateInitContainers, validateContainerPorts, probes, ValidateEnv).
import type { Container, ContainerPort, EnvFromSource, EnvVar, LifecycleHandler, Probe, ProbeHandler } from '../types/index.js';
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError } from './field-error.js';
import { isDNS1123Label, isHTTPHeaderName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validateNonnegative } from './object-meta.js';
import type { FieldPath } from './path.js';
import { SUPPORTED_PORT_PROTOCOLS, validatePortNumOrName } from './service.js';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const RELAXED_ENV_NAME_ERR = "a valid environment variable name must consist only of printable ASCII characters other than '='";

export function validateContainerPorts(ports: readonly ContainerPort[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    const name = port.name ?? '';
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => invalid(p.child('name'), name, m)));
      else if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      else names.add(name);
    }
    const cp = port.containerPort ?? 0;
    if (cp === 0) errs.push(required(p.child('containerPort')));
    else errs.push(...isValidPortNum(cp).map((m) => invalid(p.child('containerPort'), cp, m)));
    const hp = port.hostPort ?? 0;
    if (hp !== 0) errs.push(...isValidPortNum(hp).map((m) => invalid(p.child('hostPort'), hp, m)));
    const proto = port.protocol ?? '';
    if (proto.length === 0) errs.push(required(p.child('protocol')));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(proto)) errs.push(notSupported(p.child('protocol'), proto, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

// RelaxedEnvironmentVariableValidation is on by default in 1.32, so names only need to be
// printable ASCII without '='.
function validateEnv(vars: readonly EnvVar[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    const name = ev.name ?? '';
    if (name.length === 0) errs.push(required(p.child('name')));
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) errs.push(invalid(p.child('name'), name, RELAXED_ENV_NAME_ERR));
    const vf = ev.valueFrom;
    if (vf === undefined) return;
    const sources = [vf.fieldRef, vf.resourceFieldRef, vf.configMapKeyRef, vf.secretKeyRef].filter((s) => s !== undefined).length;
    const vp = p.child('valueFrom');
    if (sources === 0) errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if ((ev.value ?? '').length !== 0) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    for (const [k, sel] of [['configMapKeyRef', vf.configMapKeyRef], ['secretKeyRef', vf.secretKeyRef]] as const) {
      if (sel === undefined) continue;
      if ((sel.key ?? '').length === 0) errs.push(required(vp.child(k, 'key')));
    }
  });
  return errs;
}

function validateEnvFrom(vars: readonly EnvFromSource[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    const sources = [ev.configMapRef, ev.secretRef].filter((s) => s !== undefined);
    if (sources.length === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources.length > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
    for (const [k, ref] of [['configMapRef', ev.configMapRef], ['secretRef', ev.secretRef]] as const) {
      if (ref === undefined) continue;
      const n = ref.name ?? '';
      if (n.length === 0) errs.push(required(p.child(k, 'name')));
      else errs.push(...nameIsDNSSubdomain(n, true).map((m) => invalid(p.child(k, 'name'), n, m)));
    }
  });
  return errs;
}

function validateHandler(h: ProbeHandler & LifecycleHandler, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (key: string, check: () => FieldError[]) => {
    if (n > 0) errs.push(forbidden(path.child(key), 'may not specify more than 1 handler type'));
    else {
      n++;
      errs.push(...check());
    }
  };
  if (h.exec !== undefined) one('exec', () => ((h.exec?.command ?? []).length === 0 ? [required(path.child('exec', 'command'))] : []));
  if (h.httpGet !== undefined) {
    const g = h.httpGet;
    one('httpGet', () => {
      const p = path.child('httpGet');
      const e: FieldError[] = [];
      if ((g.path ?? '').length === 0) e.push(required(p.child('path')));
      e.push(...validatePortNumOrName(g.port, p.child('port')));
      const scheme = g.scheme ?? '';
      if (!HTTP_SCHEMES.includes(scheme)) e.push(notSupported(p.child('scheme'), scheme, HTTP_SCHEMES));
      for (const hdr of g.httpHeaders ?? []) e.push(...isHTTPHeaderName(hdr.name).map((m) => invalid(p.child('httpHeaders'), hdr.name, m)));
      return e;
    });
  }
  if (h.tcpSocket !== undefined) one('tcpSocket', () => validatePortNumOrName(h.tcpSocket?.port, path.child('tcpSocket', 'port')));
  if (h.grpc !== undefined) one('grpc', () => validatePortNumOrName(h.grpc?.port ?? 0, path.child('grpc', 'port')));
  if (h.sleep !== undefined) one('sleep', () => []);
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Probe, path: FieldPath): FieldError[] {
  const errs = validateHandler(probe, path);
  errs.push(...validateNonnegative(probe.initialDelaySeconds ?? 0, path.child('initialDelaySeconds')));
  errs.push(...validateNonnegative(probe.timeoutSeconds ?? 0, path.child('timeoutSeconds')));
  errs.push(...validateNonnegative(probe.periodSeconds ?? 0, path.child('periodSeconds')));
  errs.push(...validateNonnegative(probe.successThreshold ?? 0, path.child('successThreshold')));
  errs.push(...validateNonnegative(probe.failureThreshold ?? 0, path.child('failureThreshold')));
  const tg = probe.terminationGracePeriodSeconds;
  if (tg !== undefined && tg <= 0) errs.push(invalid(path.child('terminationGracePeriodSeconds'), tg, 'must be greater than 0'));
  return errs;
}

function validateProbes(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['livenessProbe', 'startupProbe'] as const) {
    const probe = c[kind];
    if (probe === undefined) continue;
    errs.push(...validateProbe(probe, path.child(kind)));
    if ((probe.successThreshold ?? 0) !== 1) errs.push(invalid(path.child(kind, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  if (c.readinessProbe !== undefined) {
    errs.push(...validateProbe(c.readinessProbe, path.child('readinessProbe')));
    const tg = c.readinessProbe.terminationGracePeriodSeconds;
    if (tg !== undefined) errs.push(invalid(path.child('readinessProbe', 'terminationGracePeriodSeconds'), tg, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle?.postStart !== undefined) errs.push(...validateHandler(c.lifecycle.postStart, path.child('lifecycle', 'postStart')));
  if (c.lifecycle?.preStop !== undefined) errs.push(...validateHandler(c.lifecycle.preStop, path.child('lifecycle', 'preStop')));
  return errs;
}

function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = c.name ?? '';
  if (name.length === 0) errs.push(required(path.child('name')));
  else errs.push(...isDNS1123Label(name).map((m) => invalid(path.child('name'), name, m)));
  if ((c.image ?? '').length === 0) errs.push(required(path.child('image')));
  const tmp = c.terminationMessagePolicy ?? '';
  if (tmp === '') errs.push(required(path.child('terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom')));
  const mountPoints = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = path.child('volumeMounts').index(i);
    if ((m.name ?? '').length === 0) errs.push(required(p.child('name')));
    if (!volumes.has(m.name ?? '')) errs.push(notFound(p.child('name'), m.name ?? ''));
    if ((m.mountPath ?? '').length === 0) errs.push(required(p.child('mountPath')));
    if (mountPoints.has(m.mountPath ?? '')) errs.push(invalid(p.child('mountPath'), m.mountPath ?? '', 'must be unique'));
    mountPoints.add(m.mountPath ?? '');
  });
  const pull = c.imagePullPolicy ?? '';
  if (pull === '') errs.push(required(path.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(pull)) errs.push(notSupported(path.child('imagePullPolicy'), pull, PULL_POLICIES));
  return errs;
}

/** AccumulateUniqueHostPorts: "<protocol>/<hostIP>/<hostPort>" must be unique. */
function checkHostPortConflicts(containers: readonly Container[], path: FieldPath, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((p, pi) => {
      const hp = p.hostPort ?? 0;
      if (hp === 0) return;
      const key = `${p.protocol ?? ''}/${p.hostIP ?? ''}/${hp}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(containers: readonly Container[] | undefined, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    if (names.has(c.name ?? '')) errs.push(duplicate(p.child('name'), c.name ?? ''));
    else names.add(c.name ?? '');
    errs.push(...validateLifecycle(c, p));
    errs.push(...validateProbes(c, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

export function validateInitContainers(
  containers: readonly Container[] | undefined,
  regular: readonly Container[] | undefined,
  volumes: ReadonlySet<string>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name ?? ''));
  (containers ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p));
    let restartAlways = false;
    if (c.restartPolicy !== undefined) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    if (names.has(c.name ?? '')) errs.push(duplicate(p.child('name'), c.name ?? ''));
    else if ((c.name ?? '').length > 0) names.add(c.name ?? '');
    // Init containers run one at a time, so host ports only conflict within one container.
    errs.push(...checkHostPortConflicts([c], path));
    if (restartAlways) {
      errs.push(...validateLifecycle(c, p));
      errs.push(...validateProbes(c, p));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[k] !== undefined) errs.push(forbidden(p.child(k), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** Pod-only (not template) container check. */
export function validateContainersOnlyForPod(containers: readonly Container[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((c, i) => {
    const image = c.image ?? '';
    if (image.length !== image.trim().length) errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return errs;
}
