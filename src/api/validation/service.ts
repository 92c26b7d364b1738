// Service validation, rule for rule as kube-apiserver 1.32 (pkg/apis/core/validation
// ValidateService / ValidateServiceUpdate / ValidateLoadBalancerStatus). Input is a Service
// after defaulting and the create/update preparation in ../defaults (clusterIPs normalized).
import type { PortRange } from '../../core/index.js';
import type { Service, ServicePort } from '../types/index.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { goQuote, goIntOrStringText, goStringPtrText, goStringSlice, goStruct } from './go-value.js';
import { isValidCIDR, isValidIP, validateNonSpecialIP } from './ip.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { fieldPath, type FieldPath } from './path.js';
import {
  isHeadlessService,
  validateExternalNameIPFields,
  validateServiceClusterIPsRelatedFields,
  validateUpgradeDowngradeClusterIPs,
  validateUpgradeDowngradeIPFamilies,
} from './service-ips.js';

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SUPPORTED_SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SUPPORTED_AFFINITY = ['ClientIP', 'None'];
const SUPPORTED_TRAFFIC_POLICIES = ['Cluster', 'Local'];
/** core.MaxClientIPServiceAffinitySeconds */
export const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const ANNOTATION_TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const ANNOTATION_TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const ANNOTATION_LB_SOURCE_RANGES = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** apiservice.ExternallyAccessible */
export function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

/** apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

/** ValidatePortNumOrName for an IntOrString (absent reads as the int 0, as Go's zero value). */
export function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = port ?? 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = sp.name ?? '';
  if (requireName && name.length === 0) errs.push(required(path.child('name')));
  else if (name.length !== 0) {
    errs.push(...isDNS1123Label(name).map((m) => invalid(path.child('name'), name, m)));
    if (names.has(name)) errs.push(duplicate(path.child('name'), name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(sp.port ?? 0).map((m) => invalid(path.child('port'), sp.port ?? 0, m)));
  const proto = sp.protocol ?? '';
  if (proto.length === 0) errs.push(required(path.child('protocol')));
  else if (!SUPPORTED_PORT_PROTOCOLS.includes(proto)) errs.push(notSupported(path.child('protocol'), proto, SUPPORTED_PORT_PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, path.child('targetPort')));
  if (sp.appProtocol !== undefined) {
    errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalid(path.child('appProtocol'), sp.appProtocol ?? '', m)));
  }
  return errs;
}

/** %#v of the core.ServicePort key upstream uses for duplicate (protocol, port) detection. */
function goServicePortKey(protocol: string, port: number) {
  return goStruct('core.ServicePort', [
    ['Name', '""'],
    ['Protocol', goQuote(protocol)],
    ['AppProtocol', goStringPtrText(undefined)],
    ['Port', String(port)],
    ['TargetPort', goIntOrStringText(0)],
    ['NodePort', '0'],
  ]);
}

function validateClientIPAffinityConfig(svc: Service, path: FieldPath): FieldError[] {
  const cfg = svc.spec?.sessionAffinityConfig;
  const detail = 'when session affinity type is ClientIP';
  if (cfg === undefined) return [required(path, detail)];
  if (cfg.clientIP === undefined) return [required(path.child('clientIP'), detail)];
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined) return [required(path.child('clientIP', 'timeoutSeconds'), detail)];
  if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [invalid(path.child('clientIP', 'timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)];
  }
  return [];
}

function validateLoadBalancerClass(oldSvc: Service | undefined, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const path = fieldPath('spec', 'loadBalancerClass');
  const cls = svc.spec?.loadBalancerClass;
  if (oldSvc !== undefined && oldSvc.spec?.type === 'LoadBalancer' && svc.spec?.type === 'LoadBalancer') {
    if (oldSvc.spec.loadBalancerClass !== cls) errs.push(invalid(path, cls ?? null, 'may not change once set'));
  }
  if (svc.spec?.type === 'LoadBalancer') {
    if (cls !== undefined) errs.push(...isQualifiedName(cls).map((m) => invalid(path, cls, m)));
  } else if (cls !== undefined) {
    errs.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateExternalTrafficPolicy(svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const etp = svc.spec?.externalTrafficPolicy ?? '';
  const etpPath = fieldPath('spec', 'externalTrafficPolicy');
  if (!externallyAccessible(svc)) {
    if (etp !== '') errs.push(invalid(etpPath, etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(required(etpPath));
  else if (!SUPPORTED_TRAFFIC_POLICIES.includes(etp)) errs.push(notSupported(etpPath, etp, SUPPORTED_TRAFFIC_POLICIES));

  const hc = svc.spec?.healthCheckNodePort ?? 0;
  const hcPath = fieldPath('spec', 'healthCheckNodePort');
  if (!needsHealthCheck(svc)) {
    if (hc !== 0) errs.push(invalid(hcPath, hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc === 0) errs.push(required(hcPath));
  else errs.push(...isValidPortNum(hc).map((m) => invalid(hcPath, hc, m)));
  return errs;
}

function validateInternalTrafficPolicy(svc: Service): FieldError[] {
  const itp = svc.spec?.internalTrafficPolicy;
  const t = svc.spec?.type;
  const path = fieldPath('spec', 'internalTrafficPolicy');
  if (itp === undefined) {
    // Not required for ExternalName for historical reasons (stored objects lack it).
    return t === 'NodePort' || t === 'LoadBalancer' || t === 'ClusterIP' ? [required(path)] : [];
  }
  return SUPPORTED_TRAFFIC_POLICIES.includes(itp) ? [] : [notSupported(path, itp, SUPPORTED_TRAFFIC_POLICIES)];
}

export function validateService(svc: Service): FieldError[] {
  const metaPath = fieldPath('metadata');
  const errs = validateObjectMeta(svc.metadata, { requiresNamespace: true, nameFn: nameIsDNS1035Label }, metaPath);
  const ann = svc.metadata?.annotations ?? {};
  const hints = ann[ANNOTATION_TOPOLOGY_HINTS];
  const mode = ann[ANNOTATION_TOPOLOGY_MODE];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(invalid(metaPath.child('annotations').key(ANNOTATION_TOPOLOGY_MODE), mode, `must match annotations[${ANNOTATION_TOPOLOGY_HINTS}] when both are specified`));
  }

  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const type = spec.type ?? '';
  const headless = isHeadlessService(svc);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required(fieldPath('spec', 'ports')));

  const clusterIPs0 = fieldPath('spec', 'clusterIPs').index(0);
  if (type === 'LoadBalancer' && headless) errs.push(invalid(clusterIPs0, 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && headless) errs.push(invalid(clusterIPs0, 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    errs.push(...validateExternalNameIPFields(svc));
    // A CNAME may carry a trailing dot to mark it fully qualified.
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname.length > 0) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid(fieldPath('spec', 'externalName'), cname, m)));
    else errs.push(required(fieldPath('spec', 'externalName')));
  }

  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, fieldPath('spec', 'ports').index(i))));

  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, fieldPath('spec', 'selector')));

  const affinity = spec.sessionAffinity ?? '';
  if (affinity.length === 0) errs.push(required(fieldPath('spec', 'sessionAffinity')));
  else if (!SUPPORTED_AFFINITY.includes(affinity)) errs.push(notSupported(fieldPath('spec', 'sessionAffinity'), affinity, SUPPORTED_AFFINITY));
  if (affinity === 'ClientIP') errs.push(...validateClientIPAffinityConfig(svc, fieldPath('spec', 'sessionAffinityConfig')));
  else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined) {
    errs.push(forbidden(fieldPath('spec', 'sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }

  errs.push(...validateServiceClusterIPsRelatedFields(svc));

  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = fieldPath('spec', 'externalIPs').index(i);
    const e = isValidIP(p, ip);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(ip, p)));
  });

  if (type.length === 0) errs.push(required(fieldPath('spec', 'type')));
  else if (!SUPPORTED_SERVICE_TYPES.includes(type)) errs.push(notSupported(fieldPath('spec', 'type'), type, SUPPORTED_SERVICE_TYPES));

  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((p.nodePort ?? 0) !== 0) errs.push(forbidden(fieldPath('spec', 'ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }

  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = p.nodePort ?? 0;
    if (np === 0) return;
    const key = `${p.protocol ?? ''}/${np}`;
    if (nodePorts.has(key)) errs.push(duplicate(fieldPath('spec', 'ports').index(i).child('nodePort'), np));
    nodePorts.add(key);
  });

  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port ?? 0}`;
    if (portKeys.has(key)) errs.push(duplicate(fieldPath('spec', 'ports').index(i), goServicePortKey(p.protocol ?? '', p.port ?? 0)));
    portKeys.add(key);
  });

  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    // Upstream's path really is capitalised here.
    const p = fieldPath('spec', 'LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(p.index(i), r.trim())));
  } else if (ann[ANNOTATION_LB_SOURCE_RANGES] !== undefined) {
    const p = fieldPath('metadata', 'annotations').key(ANNOTATION_LB_SOURCE_RANGES);
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = (ann[ANNOTATION_LB_SOURCE_RANGES] ?? '').trim();
    if (val !== '') for (const c of val.split(',')) errs.push(...isValidCIDR(p, c.trim()));
  }

  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(forbidden(fieldPath('spec', 'allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    // Upstream omits the "spec." prefix on this one.
    errs.push(required(fieldPath('allocateLoadBalancerNodePorts')));
  }

  errs.push(...validateLoadBalancerClass(undefined, svc));
  errs.push(...validateExternalTrafficPolicy(svc));
  errs.push(...validateInternalTrafficPolicy(svc));
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported(fieldPath('spec', 'trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

export function validateServiceUpdate(svc: Service, oldSvc: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, oldSvc.metadata, fieldPath('metadata'));
  errs.push(...validateUpgradeDowngradeClusterIPs(oldSvc, svc));
  errs.push(...validateUpgradeDowngradeIPFamilies(oldSvc, svc));
  errs.push(...validateLoadBalancerClass(oldSvc, svc).filter((e) => e.detail === 'may not change once set'));
  if (needsHealthCheck(oldSvc) && needsHealthCheck(svc) && oldSvc.spec?.healthCheckNodePort !== svc.spec?.healthCheckNodePort) {
    errs.push(forbidden(fieldPath('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

const SUPPORTED_IP_MODES = ['Proxy', 'VIP'];

/** ValidateServiceStatusUpdate: metadata rules plus status.loadBalancer (1.32 gates: IPMode GA, no LB status on non-LB). */
export function validateServiceStatusUpdate(svc: Service, oldSvc: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, oldSvc.metadata, fieldPath('metadata'));
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  const ingPath = fieldPath('status', 'loadBalancer', 'ingress');
  if (svc.spec?.type !== 'LoadBalancer' && ingress.length !== 0) {
    errs.push(forbidden(ingPath, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((ing, i) => {
    const p = ingPath.index(i);
    const ip = ing.ip ?? '';
    if (ip.length > 0) errs.push(...isValidIP(p.child('ip'), ip));
    if (ing.ipMode === undefined) {
      if (ip.length > 0) errs.push(required(p.child('ipMode'), 'must be specified when `ip` is set'));
    } else if (ip.length === 0) errs.push(forbidden(p.child('ipMode'), 'may not be specified when `ip` is not set'));
    else if (!SUPPORTED_IP_MODES.includes(ing.ipMode)) errs.push(notSupported(p.child('ipMode'), ing.ipMode, SUPPORTED_IP_MODES));
    const host = ing.hostname ?? '';
    if (host.length > 0) {
      errs.push(...isDNS1123Subdomain(host).map((m) => invalid(p.child('hostname'), host, m)));
      if (isValidIP(p.child('hostname'), host).length === 0) errs.push(invalid(p.child('hostname'), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/**
 * NodePort range check, done upstream by the port allocator (not ValidateService); the
 * service registry passes its --service-node-port-range. Same text as portallocator.ErrNotInRange.
 */
export function validateServiceNodePortRange(svc: Service, range: PortRange): FieldError[] {
  const errs: FieldError[] = [];
  (svc.spec?.ports ?? []).forEach((p, i) => {
    const np = p.nodePort ?? 0;
    if (np !== 0 && (np < range.min || np > range.max)) errs.push(nodePortNotInRange(i, np, range));
  });
  return errs;
}

export function nodePortNotInRange(portIndex: number, nodePort: number, range: PortRange): FieldError {
  return invalid(
    fieldPath('spec', 'ports').index(portIndex).child('nodePort'),
    nodePort,
    `provided port is not in the valid range. The range of valid ports is ${range.min}-${range.max}`,
  );
}

export function nodePortAlreadyAllocated(portIndex: number, nodePort: number): FieldError {
  return invalid(fieldPath('spec', 'ports').index(portIndex).child('nodePort'), nodePort, 'provided port is already allocated');
}

/**
 * ClusterIP allocation failures as the service registry reports them (ipallocator.ErrNotInRange
 * and ErrAllocated wrapped in "failed to allocate IP <ip>: ..."), reported on spec.clusterIPs.
 */
export function clusterIPNotInRange(svc: Service, ip: string, validRange: string): FieldError {
  return invalid(
    fieldPath('spec', 'clusterIPs'),
    goStringSlice(svc.spec?.clusterIPs),
    `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${validRange}`,
  );
}

export function clusterIPAlreadyAllocated(svc: Service, ip: string): FieldError {
  return invalid(fieldPath('spec', 'clusterIPs'), goStringSlice(svc.spec?.clusterIPs), `failed to allocate IP ${ip}: provided IP is already allocated`);
}
