// Service validation, one case per upstream rule. Expected texts were read from
// kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateService,
// validateServicePort, ValidateServiceClusterIPsRelatedFields, validateUpgradeDowngrade*,
// validateLoadBalancerClassField, validateServiceExternalTrafficPolicy) and
// k8s.io/apimachinery v0.32.0 (field/errors.go ErrorBody, util/validation messages);
// the nodePort range text is portallocator.ErrNotInRange as kube-apiserver prints it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyDefaults, prepareForUpdate } from '../defaults/index.js';
import { ALLOC, articleLbService, created, kubectlClusterIPService } from '../testdata/fixtures.js';
import type { Service, ServiceSpec } from '../types/index.js';
import { formatFieldError } from './field-error.js';
import { invalidStatus } from './status.js';
import { clusterIPAlreadyAllocated, clusterIPNotInRange, nodePortAlreadyAllocated } from './service.js';
import { validateCreate, validateUpdate } from './validate.js';

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const BAD_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** A ClusterIP service through the create pipeline, with spec overrides applied first. */
function svc(spec: Partial<ServiceSpec> = {}, meta: Partial<Service['metadata']> = {}): Service {
  const base = kubectlClusterIPService();
  return created({ ...base, metadata: { ...base.metadata, ...meta }, spec: { ...base.spec, ...spec } });
}

/** The same without the pipeline: exactly what the test spells out is validated. */
function raw(spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demons' }, spec };
}

const rawBase: ServiceSpec = {
  type: 'ClusterIP',
  clusterIP: '10.96.0.5',
  clusterIPs: ['10.96.0.5'],
  ipFamilies: ['IPv4'],
  ipFamilyPolicy: 'SingleStack',
  sessionAffinity: 'None',
  internalTrafficPolicy: 'Cluster',
  ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
};

const messages = (s: Service, opts = {}) => validateCreate(s, opts).map(formatFieldError);

describe('Service create validation', () => {
  const valid: Array<[string, () => Service]> = [
    ['article lb.yaml (LoadBalancer)', () => created(articleLbService())],
    ['kubectl create service clusterip', () => created(kubectlClusterIPService())],
    ['headless without ports', () => svc({ clusterIP: 'None', ports: [] })],
    ['same port number on TCP and UDP (kube-dns)', () =>
      svc({ ports: [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }] })],
    ['named targetPort', () => svc({ ports: [{ name: 'web', port: 80, targetPort: 'http' }] })],
    ['ExternalName with trailing dot', () => svc({ type: 'ExternalName', externalName: 'db.example.com.' })],
    ['ClientIP affinity at the 86400 s maximum', () =>
      svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } })],
    ['NodePort inside the range', () => svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })],
    ['LoadBalancer Local gets a health check port', () => svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' })],
    ['externalIPs on ClusterIP', () => svc({ externalIPs: ['192.0.2.10'] })],
  ];
  for (const [name, make] of valid) {
    test(`valid: ${name}`, () => assert.deepEqual(messages(make(), { nodePortRange: { min: 30000, max: 32767 } }), []));
  }

  const cases: Array<[string, () => Service, string[], { nodePortRange?: { min: number; max: number } }?]> = [
    ['name must be a DNS-1035 label', () => svc({}, { name: 'Nsx_svc' }), [`metadata.name: Invalid value: "Nsx_svc": ${DNS1035}`]],
    ['name may not start with a digit', () => svc({}, { name: '1abc' }), [`metadata.name: Invalid value: "1abc": ${DNS1035}`]],
    ['name or generateName required', () => svc({}, { name: '' }), ['metadata.name: Required value: name or generateName is required']],
    ['namespace required', () => svc({}, { namespace: '' }), ['metadata.namespace: Required value']],
    ['ports required', () => svc({ ports: [] }), ['spec.ports: Required value']],
    ['port in range', () => svc({ ports: [{ port: 0, targetPort: 80 }] }), ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['port names required with >1 port', () => svc({ ports: [{ name: 'a', port: 80 }, { port: 81 }] }), ['spec.ports[1].name: Required value']],
    ['port names unique', () => svc({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }), ['spec.ports[1].name: Duplicate value: "http"']],
    ['port name is a DNS-1123 label', () => svc({ ports: [{ name: 'HTTP', port: 80 }] }), [`spec.ports[0].name: Invalid value: "HTTP": ${DNS1123_LABEL}`]],
    ['protocol supported', () => svc({ ports: [{ port: 80, protocol: 'ICMP' as 'TCP' }] }),
      ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['(port, protocol) unique', () => svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, targetPort: 8080 }] }),
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']],
    ['numeric targetPort in range', () => svc({ ports: [{ port: 80, targetPort: 70000 }] }),
      ['spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['named targetPort is an IANA_SVC_NAME', () => svc({ ports: [{ port: 80, targetPort: 'Http_port' }] }),
      ['spec.ports[0].targetPort: Invalid value: "Http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['named targetPort needs a letter', () => svc({ ports: [{ port: 80, targetPort: '123' }] }),
      ['spec.ports[0].targetPort: Invalid value: "123": must contain at least one letter (a-z)']],
    ['appProtocol is a qualified name', () => svc({ ports: [{ port: 80, appProtocol: 'a/b/c' }] }),
      ["spec.ports[0].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ['nodePort forbidden for ClusterIP', () => svc({ ports: [{ port: 80, nodePort: 30080 }] }),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['nodePort within the configured range', () => svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }),
      ['spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
      { nodePortRange: { min: 30000, max: 32767 } }],
    ['nodePorts unique per protocol', () => svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }),
      ['spec.ports[1].nodePort: Duplicate value: 30080']],
    ['type supported', () => svc({ type: 'Foo' as 'ClusterIP' }),
      ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['sessionAffinity supported', () => svc({ sessionAffinity: 'Sticky' as 'None' }),
      ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
    ['ClientIP timeout > 0', () => svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } }),
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400']],
    ['ClientIP timeout <= 86400', () => svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }),
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400']],
    ['sessionAffinityConfig forbidden with None', () => raw({ ...rawBase, sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } } }),
      ['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']],
    ['ClientIP needs its config', () => raw({ ...rawBase, sessionAffinity: 'ClientIP' }),
      ['spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP']],
    ['headless NodePort', () => svc({ type: 'NodePort', clusterIP: 'None' }),
      ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
    ['headless LoadBalancer', () => svc({ type: 'LoadBalancer', clusterIP: 'None' }),
      ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"]],
    ['clusterIPs[0] must match clusterIP', () => raw({ ...rawBase, clusterIPs: ['10.96.0.6'] }),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.6"}: first value must match `clusterIP`']],
    ['clusterIPs requires clusterIP', () => raw({ ...rawBase, clusterIP: '' }),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: must be empty when `clusterIP` is not specified']],
    ['clusterIP is an IP', () => raw({ ...rawBase, clusterIP: '10.96.0.999', clusterIPs: ['10.96.0.999'] }), [`spec.clusterIPs[0]: Invalid value: "10.96.0.999": ${BAD_IP}`]],
    ["'None' only alone", () => raw({ ...rawBase, clusterIP: 'None', clusterIPs: ['None', '10.0.0.1'] }),
      ["spec.clusterIPs: Invalid value: []string{\"None\", \"10.0.0.1\"}: 'None' must be the first and only value"]],
    ['one clusterIP per family', () => raw({ ...rawBase, clusterIPs: ['10.96.0.5', '10.96.0.6'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'RequireDualStack' }),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.5", "10.96.0.6"}: may specify no more than one IP for each IP family']],
    ['at most two clusterIPs', () => raw({ ...rawBase, clusterIPs: ['10.96.0.5', 'fd00::5', '10.96.0.6'], ipFamilyPolicy: 'RequireDualStack' }),
      ['spec.clusterIPs: Invalid value: []string{"10.96.0.5", "fd00::5", "10.96.0.6"}: may only hold up to 2 values']],
    ['ipFamilies supported', () => raw({ ...rawBase, ipFamilies: ['IPv5' as 'IPv4'] }),
      ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"']],
    ['ipFamilies unique', () => raw({ ...rawBase, ipFamilies: ['IPv4', 'IPv4'], ipFamilyPolicy: 'RequireDualStack' }),
      ['spec.ipFamilies[1]: Duplicate value: "IPv4"']],
    ['ipFamilyPolicy supported', () => raw({ ...rawBase, ipFamilyPolicy: 'Maybe' as 'SingleStack' }),
      ['spec.ipFamilyPolicy: Unsupported value: "Maybe": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"']],
    ['clusterIP family matches ipFamilies', () => raw({ ...rawBase, ipFamilies: ['IPv6'] }),
      ['spec.clusterIPs[0]: Invalid value: "10.96.0.5": expected an IPv6 value as indicated by `ipFamilies[0]`']],
    ['externalIPs are IPs', () => svc({ externalIPs: ['1.2.3'] }), [`spec.externalIPs[0]: Invalid value: "1.2.3": ${BAD_IP}`]],
    ['externalIPs not loopback', () => svc({ externalIPs: ['127.0.0.1'] }),
      ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['ExternalName needs externalName', () => svc({ type: 'ExternalName' }), ['spec.externalName: Required value']],
    ['externalName is a DNS-1123 subdomain', () => svc({ type: 'ExternalName', externalName: 'my_host' }),
      [`spec.externalName: Invalid value: "my_host": ${DNS1123_SUBDOMAIN}`]],
    ['ExternalName has no clusterIP', () => svc({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.5' }),
      ['spec.clusterIPs: Forbidden: may not be set for ExternalName services']],
    ['ExternalName has no IP families', () => raw({ type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' }),
      ['spec.ipFamilies: Forbidden: may not be set for ExternalName services', 'spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services']],
    ['externalTrafficPolicy only when externally accessible', () => svc({ externalTrafficPolicy: 'Local' }),
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
    ['externalTrafficPolicy supported', () => svc({ type: 'NodePort', externalTrafficPolicy: 'Global' as 'Local' }),
      ['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"']],
    ['healthCheckNodePort only for LoadBalancer + Local', () => svc({ type: 'NodePort', externalTrafficPolicy: 'Local', healthCheckNodePort: 30001 }),
      ["spec.healthCheckNodePort: Invalid value: 30001: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]],
    ['healthCheckNodePort required for LoadBalancer + Local', () =>
      raw({ ...rawBase, type: 'LoadBalancer', externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: true }),
      ['spec.healthCheckNodePort: Required value']],
    ['loadBalancerClass only for LoadBalancer', () => svc({ loadBalancerClass: 'example.com/lb' }),
      ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['loadBalancerSourceRanges only for LoadBalancer', () => svc({ loadBalancerSourceRanges: ['10.0.0.0/8'] }),
      ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['loadBalancerSourceRanges are CIDRs', () => svc({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] }),
      ['spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['allocateLoadBalancerNodePorts only for LoadBalancer', () => svc({ type: 'NodePort', allocateLoadBalancerNodePorts: false }),
      ["spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
    ['allocateLoadBalancerNodePorts required for LoadBalancer', () =>
      raw({ ...rawBase, type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' }), ['allocateLoadBalancerNodePorts: Required value']],
    ['internalTrafficPolicy supported', () => svc({ internalTrafficPolicy: 'Node' as 'Local' }),
      ['spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"']],
    ['internalTrafficPolicy required', () => raw({ ...rawBase, internalTrafficPolicy: undefined as unknown as 'Cluster' }),
      ['spec.internalTrafficPolicy: Required value']],
    ['trafficDistribution supported', () => svc({ trafficDistribution: 'Anywhere' }),
      ['spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose"']],
    ['selector values are label values', () => svc({ selector: { app: 'a b' } }),
      ["spec.selector: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['label values at most 63 characters', () => svc({}, { labels: { app: 'a'.repeat(64) } }),
      [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`]],
    ['label keys are qualified names', () => svc({}, { labels: { '-bad': 'x' } }),
      ["metadata.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    ['annotations at most 256 KiB in total', () => svc({}, { annotations: { big: 'x'.repeat(256 * 1024) } }),
      ['metadata.annotations: Too long: may not be more than 262144 bytes']],
  ];
  for (const [name, make, expected, opts] of cases) {
    test(name, () => assert.deepEqual(messages(make(), opts ?? {}), expected));
  }
});

describe('Service update validation', () => {
  function stored(spec: Partial<ServiceSpec> = {}): Service {
    const s = svc(spec);
    s.metadata = { ...s.metadata, resourceVersion: '7', uid: 'u1', creationTimestamp: '2024-05-01T10:00:00Z' };
    return s;
  }
  /** kubectl edit: the user changes the stored object; the server defaults and prepares it. */
  function edited(old: Service, edit: (s: Service) => void): Service {
    const n = structuredClone(old);
    edit(n);
    return prepareForUpdate(applyDefaults(n), old);
  }
  const upd = (n: Service, o: Service) => validateUpdate(n, o).map(formatFieldError);

  test('editing the selector as in the article is accepted', () => {
    const old = stored();
    assert.deepEqual(upd(edited(old, (s) => (s.spec = { ...s.spec, selector: { run: 'nsxtestapp' } })), old), []);
  });
  test('clusterIP may not change once set', () => {
    const old = stored();
    const n = edited(old, (s) => (s.spec = { ...s.spec, clusterIP: '10.96.0.6' }));
    const errs = validateUpdate(n, old);
    assert.deepEqual(errs.map(formatFieldError), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']);
    assert.equal(
      invalidStatus('', 'Service', 'nsxtestservice', errs).message,
      'Service "nsxtestservice" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set',
    );
  });
  test('switching to ExternalName clears clusterIP, families and policy', () => {
    const old = stored();
    const n = edited(old, (s) => (s.spec = { ...s.spec, type: 'ExternalName', externalName: 'db.example.com' }));
    assert.equal(n.spec?.clusterIP, undefined);
    assert.equal(n.spec?.clusterIPs, undefined);
    assert.equal(n.spec?.ipFamilies, undefined);
    assert.equal(n.spec?.ipFamilyPolicy, undefined);
    assert.deepEqual(upd(n, old), []);
  });
  test('switching NodePort -> ClusterIP drops allocated node ports', () => {
    const old = stored({ type: 'NodePort' });
    const n = edited(old, (s) => (s.spec = { ...s.spec, type: 'ClusterIP', externalTrafficPolicy: old.spec?.externalTrafficPolicy ?? 'Cluster' }));
    assert.equal(n.spec?.ports?.[0]?.nodePort, undefined);
    assert.equal(n.spec?.externalTrafficPolicy, undefined);
    assert.deepEqual(upd(n, old), []);
  });
  test('resourceVersion required', () => {
    const old = stored();
    const n = edited(old, (s) => delete s.metadata.resourceVersion);
    assert.deepEqual(upd(n, old), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  });
  test('name immutable', () => {
    const old = stored();
    assert.deepEqual(upd(edited(old, (s) => (s.metadata.name = 'other')), old), ['metadata.name: Invalid value: "other": field is immutable']);
  });
  test('loadBalancerClass immutable', () => {
    const old = stored({ type: 'LoadBalancer', loadBalancerClass: 'a.io/lb' });
    const n = edited(old, (s) => (s.spec = { ...s.spec, loadBalancerClass: 'b.io/lb' }));
    assert.deepEqual(upd(n, old), ['spec.loadBalancerClass: Invalid value: "b.io/lb": may not change once set']);
  });
  test('healthCheckNodePort immutable', () => {
    const old = stored({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    const n = edited(old, (s) => (s.spec = { ...s.spec, healthCheckNodePort: 32001 }));
    assert.deepEqual(upd(n, old), ['spec.healthCheckNodePort: Forbidden: field is immutable']);
  });
  test('releasing the secondary family needs SingleStack', () => {
    const old = raw({ ...rawBase, clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'PreferDualStack' });
    old.metadata.resourceVersion = '3';
    const n = raw({ ...rawBase, ipFamilyPolicy: 'PreferDualStack' });
    n.metadata.resourceVersion = '3';
    assert.deepEqual(upd(n, old), [
      "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the secondary clusterIP",
      "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the secondary ipFamily",
    ]);
  });
  test('status: LoadBalancer ingress needs a valid IP', () => {
    const old = stored({ type: 'LoadBalancer' });
    const n = structuredClone(old);
    n.status = { loadBalancer: { ingress: [{ ip: '10.190.6.999', ipMode: 'VIP' }] } };
    assert.deepEqual(validateUpdate(n, old, { subresource: 'status' }).map(formatFieldError), [
      `status.loadBalancer.ingress[0].ip: Invalid value: "10.190.6.999": ${BAD_IP}`,
    ]);
  });
  test('status: ingress only for LoadBalancer', () => {
    const old = stored();
    const n = structuredClone(old);
    n.status = { loadBalancer: { ingress: [{ ip: '10.190.6.102', ipMode: 'VIP' }] } };
    assert.deepEqual(validateUpdate(n, old, { subresource: 'status' }).map(formatFieldError), [
      "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    ]);
  });
  test('allocation stand-in is what the fixtures assume', () => {
    assert.equal(stored().spec?.clusterIP, ALLOC.clusterIP);
  });
});

describe('allocator messages (service registry)', () => {
  // pkg/registry/core/service/ipallocator ErrNotInRange / ErrAllocated and portallocator ErrAllocated.
  const s = raw({ ...rawBase, clusterIP: '1.1.1.1', clusterIPs: ['1.1.1.1'] });
  test('clusterIP outside the service CIDR', () =>
    assert.equal(
      formatFieldError(clusterIPNotInRange(s, '1.1.1.1', '10.96.0.0/12')),
      'spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    ));
  test('clusterIP taken', () =>
    assert.equal(formatFieldError(clusterIPAlreadyAllocated(s, '1.1.1.1')), 'spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP 1.1.1.1: provided IP is already allocated'));
  test('nodePort taken', () =>
    assert.equal(formatFieldError(nodePortAlreadyAllocated(0, 30080)), 'spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'));
});
