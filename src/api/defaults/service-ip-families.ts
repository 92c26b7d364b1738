// IP family defaulting for Services (pkg/registry/core/service/storage/alloc.go
// initIPFamilyFields): infers ipFamilyPolicy and ipFamilies from clusterIPs and the cluster's
// configured service CIDR families. Pure: the registry calls it, then allocates clusterIPs.
import type { IPFamilyName, Service } from '../types/index.js';
import { invalid, type FieldError } from '../validation/field-error.js';
import { goStringSlice } from '../validation/go-value.js';
import { sloppyFamily } from '../validation/ip.js';
import { fieldPath } from '../validation/path.js';
import { validateServiceClusterIPsRelatedFields } from '../validation/service-ips.js';

export interface ClusterIPConfig {
  /** Families of --service-cluster-ip-range, primary first (one or two entries). */
  readonly families: readonly IPFamilyName[];
}

const familyOf = (ip: string): IPFamilyName => (sloppyFamily(ip) === 6 ? 'IPv6' : 'IPv4');
const other = (f: IPFamilyName): IPFamilyName => (f === 'IPv4' ? 'IPv6' : 'IPv4');

/**
 * Fills ipFamilyPolicy and ipFamilies. Returns the field errors upstream reports from this
 * step (they surface as a 422 like validation errors). Mutates svc.
 */
export function initServiceIPFamilies(svc: Service, old: Service | undefined, cluster: ClusterIPConfig): FieldError[] {
  const spec = (svc.spec ??= {});
  if (spec.type === 'ExternalName') return [];
  const primary = cluster.families[0] ?? 'IPv4';
  const policyPath = fieldPath('spec', 'ipFamilyPolicy');
  if (spec.ipFamilyPolicy === undefined) {
    if (old?.spec?.ipFamilyPolicy !== undefined) spec.ipFamilyPolicy = old.spec.ipFamilyPolicy;
    else if (spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const pre = validateServiceClusterIPsRelatedFields(svc);
  if (pre.length > 0) return pre;

  const errs: FieldError[] = [];
  const policy = spec.ipFamilyPolicy;
  if (old !== undefined) {
    const sameIPs = JSON.stringify(old.spec?.clusterIPs ?? []) === JSON.stringify(spec.clusterIPs ?? []);
    const sameFams = JSON.stringify(old.spec?.ipFamilies ?? []) === JSON.stringify(spec.ipFamilies ?? []);
    if (policy === 'SingleStack') {
      if (sameIPs && (spec.clusterIPs ?? []).length > 1) spec.clusterIPs = (spec.clusterIPs ?? []).slice(0, 1);
      if (sameFams && (spec.ipFamilies ?? []).length > 1) spec.ipFamilies = (spec.ipFamilies ?? []).slice(0, 1);
    } else {
      if ((spec.clusterIPs ?? []).length < (old.spec?.clusterIPs ?? []).length) {
        errs.push(invalid(policyPath, policy ?? null, 'must be \'SingleStack\' to release the secondary cluster IP'));
      }
      if ((spec.ipFamilies ?? []).length < (old.spec?.ipFamilies ?? []).length) {
        errs.push(invalid(policyPath, policy ?? null, 'must be \'SingleStack\' to release the secondary IP family'));
      }
    }
  }
  if (policy === 'SingleStack') {
    if ((spec.clusterIPs ?? []).length === 2) {
      errs.push(invalid(policyPath, policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if ((spec.ipFamilies ?? []).length === 2) {
      errs.push(invalid(policyPath, policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
  }
  const ips = spec.clusterIPs ?? [];
  for (let i = 0; i < ips.length; i++) {
    const ip = ips[i] ?? '';
    if (ip === 'None') break;
    if (i >= (spec.ipFamilies ?? []).length) {
      const fam = familyOf(ip);
      if (!cluster.families.includes(fam)) {
        errs.push(invalid(fieldPath('spec', 'clusterIPs').index(i), goStringSlice(ips), `${fam} is not configured on this cluster`));
      } else spec.ipFamilies = [...(spec.ipFamilies ?? []), fam];
    }
  }
  if (errs.length > 0) return errs;

  if (spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0) {
    if ((spec.ipFamilies ?? []).length === 0) spec.ipFamilies = [primary];
    const fams = spec.ipFamilies ?? [];
    if (fams.length < 2 && spec.ipFamilyPolicy !== 'SingleStack' && fams[0] !== undefined) spec.ipFamilies = [fams[0], other(fams[0])];
    return [];
  }
  if (policy === 'RequireDualStack' && cluster.families.length < 2) {
    errs.push(invalid(policyPath, policy, 'this cluster is not configured for dual-stack services'));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!cluster.families.includes(f)) errs.push(invalid(fieldPath('spec', 'ipFamilies').index(i), f, 'not configured on this cluster'));
  });
  if (errs.length > 0) return errs;
  if ((spec.ipFamilies ?? []).length === 0) spec.ipFamilies = [primary];
  const fams = spec.ipFamilies ?? [];
  if (policy !== 'SingleStack' && fams.length === 1 && cluster.families.length === 2 && fams[0] !== undefined) {
    spec.ipFamilies = [fams[0], other(fams[0])];
  }
  return [];
}
