// services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR
// (printers.go printService, getServiceExternalIP, makePortString). The server prints with
// Wide=true, so load-balancer addresses are never clipped to 16 characters.
import type { KubeObject, LoadBalancerIngress, Service, ServicePort } from '../types/index.js';
import { DOC } from './column-docs.js';
import { formatLabels, goSortStrings } from './format.js';
import { translateTimestampSince } from './human-duration.js';
import { AGE_COLUMN, NAME_COLUMN, column, type PrintContext, type PrintedRow, type ResourcePrinter } from './table.js';

const COLUMNS = [
  NAME_COLUMN,
  column('Type', 'string', DOC.svcType),
  column('Cluster-IP', 'string', DOC.clusterIP),
  column('External-IP', 'string', DOC.externalIPs),
  column('Port(s)', 'string', DOC.ports),
  AGE_COLUMN,
  column('Selector', 'string', DOC.svcSelector, { priority: 1 }),
];

/** loadBalancerStatusStringer(wide=true): IPs (or hostnames when no IP) as a sorted set. */
function loadBalancerAddresses(ingress: readonly LoadBalancerIngress[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return goSortStrings([...set]).join(',');
}

export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) return [...(lb.length > 0 ? lb.split(',') : []), ...externalIPs].join(',');
      return lb.length > 0 ? lb : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, `80:30657/TCP` with a node port, comma-joined; "" for no ports. */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  return (ports ?? [])
    .map((p) => {
      // v1 defaulting sets protocol TCP; applied so objects that skipped defaulting print the same.
      const proto = p.protocol ?? 'TCP';
      return p.nodePort !== undefined && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${proto}` : `${p.port}/${proto}`;
    })
    .join(',');
}

/** v1 defaulting makes an absent type ClusterIP (SetDefaults_Service). */
function serviceType(svc: Service): string {
  return svc.spec?.type ?? 'ClusterIP';
}

export function printService(obj: KubeObject, ctx: PrintContext): PrintedRow {
  const svc = obj as Service;
  const spec = svc.spec ?? {};
  const clusterIP = spec.clusterIPs?.[0] || spec.clusterIP || '<none>';
  const ports = servicePorts(spec.ports);
  return {
    cells: [
      svc.metadata.name ?? '',
      serviceType(svc),
      clusterIP,
      serviceExternalIP(svc),
      ports.length === 0 ? '<none>' : ports,
      translateTimestampSince(svc.metadata.creationTimestamp, ctx.nowMs),
      formatLabels(spec.selector),
    ],
  };
}

export const servicePrinter: ResourcePrinter = { columns: COLUMNS, row: printService };
