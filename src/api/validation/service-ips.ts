// clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy rules of Service validation
// (pkg/apis/core/validation ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngrade*).
import type { Service } from '../types/index.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-error.js';
import { goStringSlice, type GoValue } from './go-value.js';
import { isDualStackIPs, isValidIP, sloppyFamily } from './ip.js';
import { fieldPath } from './path.js';

const SUPPORTED_FAMILIES = ['IPv4', 'IPv6'];
const SUPPORTED_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

export function isHeadlessService(svc: Service | undefined): boolean {
  const ips = svc?.spec?.clusterIPs ?? [];
  return ips.length === 1 && ips[0] === 'None';
}

const clusterIPsValue = (svc: Service): GoValue => goStringSlice(svc.spec?.clusterIPs);
const familiesValue = (svc: Service): GoValue => goStringSlice(svc.spec?.ipFamilies, 'core.IPFamily');
const policyValue = (svc: Service): GoValue => svc.spec?.ipFamilyPolicy ?? null;

export function validateServiceClusterIPsRelatedFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIPsPath = fieldPath('spec', 'clusterIPs');
  const familiesPath = fieldPath('spec', 'ipFamilies');
  const clusterIP = spec.clusterIP ?? '';
  const clusterIPs = spec.clusterIPs ?? [];
  let hasInvalidIPs = false;

  if (clusterIP.length !== 0) {
    if (clusterIPs.length === 0) errs.push(required(clusterIPsPath));
    else if (clusterIPs[0] !== clusterIP) errs.push(invalid(clusterIPsPath, clusterIPsValue(svc), 'first value must match `clusterIP`'));
  } else if (clusterIPs.length !== 0) {
    errs.push(invalid(clusterIPsPath, clusterIPsValue(svc), 'must be empty when `clusterIP` is not specified'));
  }

  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((fam, i) => {
    if (!SUPPORTED_FAMILIES.includes(fam)) errs.push(notSupported(familiesPath.index(i), fam, SUPPORTED_FAMILIES));
    if (seen.has(fam)) errs.push(duplicate(familiesPath.index(i), fam));
    seen.add(fam);
  });

  if (spec.ipFamilyPolicy !== undefined && !SUPPORTED_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(fieldPath('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, SUPPORTED_POLICIES));
  }

  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        hasInvalidIPs = true;
        errs.push(invalid(clusterIPsPath, clusterIPsValue(svc), "'None' must be the first and only value"));
      }
      return;
    }
    const e = isValidIP(clusterIPsPath.index(i), ip);
    if (e.length > 0) hasInvalidIPs = true;
    errs.push(...e);
  });

  if (clusterIPs.length > 2) errs.push(invalid(clusterIPsPath, clusterIPsValue(svc), 'may only hold up to 2 values'));
  // Further checks would only restate the same bad input.
  if (hasInvalidIPs) return errs;

  if (clusterIPs.length > 1 && !isDualStackIPs(clusterIPs)) {
    errs.push(invalid(clusterIPsPath, clusterIPsValue(svc), 'may specify no more than one IP for each IP family'));
  }

  const families = spec.ipFamilies ?? [];
  if (!isHeadlessService(svc) && clusterIPs.length > 0 && families.length > 0) {
    for (let i = 0; i < clusterIPs.length && i < families.length; i++) {
      const ip = clusterIPs[i] ?? '';
      const isV6 = sloppyFamily(ip) === 6;
      if (families[i] === 'IPv4' && isV6) {
        errs.push(invalid(clusterIPsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !isV6) {
        errs.push(invalid(clusterIPsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    }
  }
  return errs;
}

export function validateUpgradeDowngradeClusterIPs(oldSvc: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec?.type === 'ExternalName' || oldSvc.spec?.type === 'ExternalName') return errs;
  if (isHeadlessService(oldSvc) && isHeadlessService(svc)) return errs;
  const oldIPs = oldSvc.spec?.clusterIPs ?? [];
  const newIPs = svc.spec?.clusterIPs ?? [];
  const p0 = fieldPath('spec', 'clusterIPs').index(0);
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i]) errs.push(invalid(fieldPath('spec', 'clusterIPs').index(i), clusterIPsValue(svc), 'may not change once set'));
    });
  } else if (oldIPs.length > newIPs.length) {
    if (newIPs.length === 0) errs.push(invalid(p0, clusterIPsValue(svc), 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && newIPs.length > 0 && newIPs[0] !== oldIPs[0]) errs.push(invalid(p0, clusterIPsValue(svc), 'may not change once set'));
    if (newIPs.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid(fieldPath('spec', 'ipFamilyPolicy'), policyValue(svc), "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
    errs.push(invalid(p0, clusterIPsValue(svc), 'may not change once set'));
  }
  return errs;
}

export function validateUpgradeDowngradeIPFamilies(oldSvc: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec?.type === 'ExternalName' || oldSvc.spec?.type === 'ExternalName') return errs;
  const oldHeadless = isHeadlessService(oldSvc);
  if (isHeadlessService(svc) !== oldHeadless || oldHeadless) return errs;
  const oldF = oldSvc.spec?.ipFamilies ?? [];
  const newF = svc.spec?.ipFamilies ?? [];
  const p0 = fieldPath('spec', 'ipFamilies').index(0);
  if (oldF.length === newF.length) {
    // Upstream reports every mismatch at index 0.
    oldF.forEach((f, i) => {
      if (f !== newF[i]) errs.push(invalid(p0, familiesValue(svc), 'may not change once set'));
    });
  } else if (oldF.length > newF.length) {
    if ((svc.spec?.clusterIPs ?? []).length === 0) errs.push(invalid(p0, familiesValue(svc), 'primary ipFamily can not be unset'));
    if (newF.length > 0 && newF[0] !== oldF[0]) errs.push(invalid(p0, clusterIPsValue(svc), 'may not change once set'));
    if (newF.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid(fieldPath('spec', 'ipFamilyPolicy'), policyValue(svc), "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldF.length > 0 && newF.length > 0 && newF[0] !== oldF[0]) {
    errs.push(invalid(p0, clusterIPsValue(svc), 'may not change once set'));
  }
  return errs;
}

/** Forbidden fields of an ExternalName service (its clusterIPs and families must be unset). */
export function validateExternalNameIPFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if ((spec.clusterIPs ?? []).length > 0) errs.push(forbidden(fieldPath('spec', 'clusterIPs'), 'may not be set for ExternalName services'));
  if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden(fieldPath('spec', 'ipFamilies'), 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden(fieldPath('spec', 'ipFamilyPolicy'), 'may not be set for ExternalName services'));
  return errs;
}
