// core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlice validation
// (pkg/apis/core/validation ValidateEndpoints, pkg/apis/discovery/validation).
import type { EndpointAddress, EndpointSlice, Endpoints } from '../types/index.js';
import { duplicate, invalid, notSupported, required, tooMany, type FieldError } from './field-error.js';
import { isValidIPv4Address, isValidIPv6Address, isValidIP, validateNonSpecialIP } from './ip.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validateImmutableField, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { fieldPath, type FieldPath } from './path.js';
import { SUPPORTED_PORT_PROTOCOLS } from './service.js';

function validateEndpointAddress(a: EndpointAddress, path: FieldPath): FieldError[] {
  const errs = isValidIP(path.child('ip'), a.ip ?? '');
  const host = a.hostname ?? '';
  if (host.length > 0) errs.push(...isDNS1123Label(host).map((m) => invalid(path.child('hostname'), host, m)));
  if (a.nodeName !== undefined) {
    const n = a.nodeName;
    errs.push(...nameIsDNSSubdomain(n, false).map((m) => invalid(path.child('nodeName'), n, m)));
  }
  errs.push(...validateNonSpecialIP(a.ip ?? '', path.child('ip')));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = fieldPath('subsets').index(i);
    const addrs = ss.addresses ?? [];
    const notReady = ss.notReadyAddresses ?? [];
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      const name = port.name ?? '';
      if (ports.length > 1 && name.length === 0) errs.push(required(pp.child('name')));
      else if (name.length !== 0) errs.push(...isDNS1123Label(name).map((m) => invalid(pp.child('name'), name, m)));
      errs.push(...isValidPortNum(port.port ?? 0).map((m) => invalid(pp.child('port'), port.port ?? 0, m)));
      const proto = port.protocol ?? '';
      if (proto.length === 0) errs.push(required(pp.child('protocol')));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(proto)) errs.push(notSupported(pp.child('protocol'), proto, SUPPORTED_PORT_PROTOCOLS));
      if (port.appProtocol !== undefined) {
        const ap = port.appProtocol;
        errs.push(...isQualifiedName(ap).map((m) => invalid(pp.child('appProtocol'), ap, m)));
      }
    });
  });
  return errs;
}

export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata, fieldPath('metadata')), ...validateEndpoints(ep)];
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ZONE_HINTS = 8;

function isFullyQualifiedDomainName(path: FieldPath, name: string): FieldError[] {
  if (name.length === 0) return [required(path)];
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDNS1123Subdomain(n);
  if (sub.length > 0) return [invalid(path, n, sub.join(','))];
  const labels = n.split('.');
  if (labels.length < 2) return [invalid(path, n, 'should be a domain with at least two segments separated by dots')];
  for (const l of labels) {
    const e = isDNS1123Label(l);
    if (e.length > 0) return [invalid(path, l, e.join(','))];
  }
  return [];
}

export function validateEndpointSlice(slice: EndpointSlice, allowedAddressTypes = ADDRESS_TYPES): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain }, fieldPath('metadata'));
  const at: string = slice.addressType ?? '';
  if (at === '') errs.push(required(fieldPath('addressType')));
  else if (!allowedAddressTypes.includes(at)) errs.push(notSupported(fieldPath('addressType'), at, allowedAddressTypes));

  const endpoints = slice.endpoints ?? [];
  const epPath = fieldPath('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany(epPath, endpoints.length, MAX_ENDPOINTS));
  else {
    endpoints.forEach((ep, i) => {
      const p = epPath.index(i);
      const ap = p.child('addresses');
      const addrs = ep.addresses ?? [];
      if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
      else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(ap, addrs.length, MAX_ADDRESSES));
      addrs.forEach((a, j) => {
        if (at === 'IPv4') errs.push(...isValidIPv4Address(ap.index(j), a), ...validateNonSpecialIP(a, ap.index(j)));
        else if (at === 'IPv6') errs.push(...isValidIPv6Address(ap.index(j), a), ...validateNonSpecialIP(a, ap.index(j)));
        else if (at === 'FQDN') errs.push(...isFullyQualifiedDomainName(ap.index(j), a));
      });
      if (ep.nodeName !== undefined) {
        const n = ep.nodeName;
        errs.push(...nameIsDNSSubdomain(n, false).map((m) => invalid(p.child('nodeName'), n, m)));
      }
      const topo = ep.deprecatedTopology ?? {};
      if (Object.keys(topo).length > 16) errs.push(tooMany(p.child('deprecatedTopology'), Object.keys(topo).length, 16));
      errs.push(...validateLabels(ep.deprecatedTopology, p.child('deprecatedTopology')));
      if (ep.hostname !== undefined) {
        const h = ep.hostname;
        errs.push(...isDNS1123Label(h).map((m) => invalid(p.child('hostname'), h, m)));
      }
      const zones = ep.hints?.forZones ?? [];
      if (zones.length > MAX_ZONE_HINTS) errs.push(tooMany(p.child('hints', 'forZones'), zones.length, MAX_ZONE_HINTS));
      else {
        const seen = new Set<string>();
        zones.forEach((z, k) => {
          const zp = p.child('hints', 'forZones').index(k).child('name');
          if (seen.has(z.name)) errs.push(duplicate(zp, z.name));
          else seen.add(z.name);
          errs.push(...isQualifiedName(z.name).map((m) => invalid(zp, z.name, m)));
        });
      }
    });
  }

  const ports = slice.ports ?? [];
  const portsPath = fieldPath('ports');
  if (ports.length > MAX_PORTS) errs.push(tooMany(portsPath, ports.length, MAX_PORTS));
  else {
    const names = new Set<string>();
    ports.forEach((port, i) => {
      const p = portsPath.index(i);
      const name = port.name ?? '';
      if (name.length > 0) errs.push(...isDNS1123Label(name).map((m) => invalid(p.child('name'), name, m)));
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      else names.add(name);
      if (port.protocol === undefined) errs.push(required(p.child('protocol')));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, SUPPORTED_PORT_PROTOCOLS));
      if (port.appProtocol !== undefined) {
        const ap = port.appProtocol;
        errs.push(...isQualifiedName(ap).map((m) => invalid(p.child('appProtocol'), ap, m)));
      }
    });
  }
  return errs;
}

export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  const errs = validateObjectMetaUpdate(slice.metadata, old.metadata, fieldPath('metadata'));
  // "IP" is a deprecated address type still accepted on update.
  errs.push(...validateEndpointSlice(slice, ['FQDN', 'IP', 'IPv4', 'IPv6']).filter((e) => !e.field.startsWith('metadata.')));
  errs.push(...validateImmutableField(slice.addressType, old.addressType, slice.addressType ?? '', fieldPath('addressType')));
  return errs;
}
