// Pod, Deployment and ReplicaSet validation. Expected texts from kubernetes/kubernetes
// pkg/apis/core/validation/validation.go (validateContainerCommon, validateContainerPorts,
// validateProbe, validateRestartPolicy, validateDNSPolicy, ValidatePodUpdate, ValidatePodBinding)
// and pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidateRollingUpdateDeployment,
// ValidatePodTemplateSpecForReplicaSet), printed per apimachinery v0.32.0 field.Error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyDefaults, prepareForUpdate } from '../defaults/index.js';
import { articleDeployment, created, kubectlDeployment, kubectlRunPod } from '../testdata/fixtures.js';
import type { Binding, Container, Deployment, DeploymentSpec, Pod, PodSpec, ReplicaSet } from '../types/index.js';
import { formatFieldError } from './field-error.js';
import { validateCreate, validateUpdate } from './validate.js';

const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function pod(spec: Partial<PodSpec> = {}, containers?: Partial<Container>[]): Pod {
  const base = kubectlRunPod();
  const cs = (containers ?? [{}]).map((c, i) => ({ name: `c${i}`, image: 'nginx:1.27', ...c }) as Container);
  return created({ ...base, spec: { ...base.spec, ...spec, containers: containers === undefined ? base.spec?.containers ?? [] : cs } });
}
const msgs = (o: Pod | Deployment | ReplicaSet | Binding) => validateCreate(o).map(formatFieldError);

describe('Pod validation', () => {
  test('valid: kubectl run body', () => assert.deepEqual(msgs(pod()), []));
  test('valid: probes of every kind after defaulting', () =>
    assert.deepEqual(
      msgs(
        pod({}, [
          {
            ports: [{ name: 'http', containerPort: 80 }],
            livenessProbe: { httpGet: { port: 'http' } },
            readinessProbe: { tcpSocket: { port: 80 } },
            startupProbe: { exec: { command: ['true'] } },
          },
        ]),
      ),
      [],
    ));

  const cases: Array<[string, () => Pod, string[]]> = [
    ['containers required', () => pod({}, []), ['spec.containers: Required value']],
    ['container name is a DNS-1123 label', () => pod({}, [{ name: 'Web' }]), [`spec.containers[0].name: Invalid value: "Web": ${DNS1123_LABEL}`]],
    ['container names unique', () => pod({}, [{ name: 'web' }, { name: 'web' }]), ['spec.containers[1].name: Duplicate value: "web"']],
    ['image required', () => pod({}, [{ image: '' }]), ['spec.containers[0].image: Required value']],
    ['image without surrounding spaces', () => pod({}, [{ image: ' nginx' }]),
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
    ['containerPort required', () => pod({}, [{ ports: [{ containerPort: 0 }] }]), ['spec.containers[0].ports[0].containerPort: Required value']],
    ['containerPort in range', () => pod({}, [{ ports: [{ containerPort: 70000 }] }]),
      ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['container port names unique', () => pod({}, [{ ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }]),
      ['spec.containers[0].ports[1].name: Duplicate value: "http"']],
    ['container port name at most 15 characters', () => pod({}, [{ ports: [{ name: 'abcdefghijklmnop', containerPort: 80 }] }]),
      ['spec.containers[0].ports[0].name: Invalid value: "abcdefghijklmnop": must be no more than 15 characters']],
    ['hostPorts unique across containers', () => pod({}, [{ ports: [{ containerPort: 80, hostPort: 8080 }] }, { ports: [{ containerPort: 81, hostPort: 8080 }] }]),
      ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']],
    ['restartPolicy supported', () => pod({ restartPolicy: 'Sometimes' as 'Always' }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['dnsPolicy supported', () => pod({ dnsPolicy: 'Google' as 'None' }),
      ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['liveness successThreshold must be 1', () => pod({}, [{ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }]),
      ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['probe needs a handler', () => pod({}, [{ readinessProbe: {} }]), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
    ['probe has one handler', () => pod({}, [{ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }]),
      ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type']],
    ['probe timings non-negative', () => pod({}, [{ readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: -1 } }]),
      ['spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0']],
    ['httpGet scheme supported', () => pod({}, [{ readinessProbe: { httpGet: { port: 80, scheme: 'FTP' as 'HTTP' } } }]),
      ['spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']],
    ['readiness probe has no terminationGracePeriodSeconds', () => pod({}, [{ readinessProbe: { tcpSocket: { port: 80 }, terminationGracePeriodSeconds: 5 } }]),
      ['spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes']],
    ['hostname is a DNS-1123 label', () => pod({ hostname: 'Web' }), [`spec.hostname: Invalid value: "Web": ${DNS1123_LABEL}`]],
    ['toleration with empty key needs Exists', () => pod({ tolerations: [{ operator: 'Equal', value: 'x' }] }),
      ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"']],
    ['tolerationSeconds only for NoExecute', () => pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }),
      ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ['volume mounts name a volume', () => pod({}, [{ volumeMounts: [{ name: 'data', mountPath: '/data' }] }]),
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['dnsConfig required for dnsPolicy None', () => pod({ dnsPolicy: 'None' }),
      ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
  ];
  for (const [name, make, expected] of cases) test(name, () => assert.deepEqual(msgs(make()), expected));

  test('binding target must be a Node', () => {
    const b: Binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', namespace: 'demons' }, target: { kind: 'Pod', name: 'x' } };
    assert.deepEqual(msgs(b), ['target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"']);
  });

  describe('update', () => {
    const stored = () => {
      const p = pod({}, [{ name: 'web', ports: [{ containerPort: 80 }] }]);
      p.metadata = { ...p.metadata, resourceVersion: '5', uid: 'u' };
      return p;
    };
    const update = (edit: (p: Pod) => void) => {
      const old = stored();
      const n = structuredClone(old);
      edit(n);
      return validateUpdate(prepareForUpdate(applyDefaults(n, { admission: false }), old), old).map(formatFieldError);
    };
    test('image may change', () => assert.deepEqual(update((p) => ((p.spec as PodSpec).containers[0] as Container).image = 'nginx:1.28'), []));
    test('containers may not be added', () =>
      assert.deepEqual(
        update((p) => (p.spec as PodSpec).containers.push({ name: 'b', image: 'busybox' })),
        ['spec.containers: Forbidden: pod updates may not add or remove containers'],
      ));
    test('other spec fields are immutable', () => {
      const out = update((p) => (((p.spec as PodSpec).containers[0] as Container).ports = [{ containerPort: 81, protocol: 'TCP' }]));
      assert.equal(out.length, 1);
      assert.ok(
        out[0]?.startsWith(
          'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
        ),
        out[0],
      );
      assert.match(out[0] ?? '', /containerPort/);
    });
    test('status update may not move the pod to another node', () => {
      const old = stored();
      const n = structuredClone(old);
      (n.spec as PodSpec).nodeName = 'k8s-node1';
      assert.deepEqual(validateUpdate(n, old, { subresource: 'status' }).map(formatFieldError), ['status.nodeName: Forbidden: may not be changed directly']);
    });
  });
});

function deploy(spec: Partial<DeploymentSpec> = {}): Deployment {
  const base = articleDeployment();
  return created({ ...base, spec: { ...(base.spec as DeploymentSpec), ...spec } });
}

describe('Deployment validation', () => {
  test('valid: article nsxdemoapp.yml', () => assert.deepEqual(msgs(deploy()), []));
  test('valid: kubectl create deployment body', () => assert.deepEqual(msgs(created(kubectlDeployment())), []));

  const template = (labels: Record<string, string>) => ({ ...(articleDeployment().spec as DeploymentSpec).template, metadata: { labels } });
  const cases: Array<[string, () => Deployment, string[]]> = [
    ['selector must match template labels', () => deploy({ selector: { matchLabels: { app: 'x' } }, template: template({ app: 'y' }) }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']],
    ['selector required (and then nothing matches)', () => {
      const d = deploy();
      delete (d.spec as Partial<DeploymentSpec>).selector;
      return d;
    }, ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nsxdemo"}: `selector` does not match template `labels`']],
    ['selector may not be empty', () => deploy({ selector: {} }),
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    ['replicas non-negative', () => deploy({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['strategy type supported', () => deploy({ strategy: { type: 'Blue' as 'Recreate' } }),
      ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']],
    ['Recreate takes no rollingUpdate', () => deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]],
    ['maxUnavailable and maxSurge not both 0', () => deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0']],
    ['maxUnavailable at most 100%', () => deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%']],
    ['maxSurge is an int or percent', () => deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'abc' } } }),
      ["spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')"]],
    ['progressDeadlineSeconds > minReadySeconds', () => deploy({ minReadySeconds: 10, progressDeadlineSeconds: 10 }),
      ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']],
    ['template restartPolicy Always', () => {
      const d = deploy();
      ((d.spec as DeploymentSpec).template.spec as PodSpec).restartPolicy = 'Never';
      return d;
    }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['template containers validated', () => {
      const d = deploy();
      ((d.spec as DeploymentSpec).template.spec as PodSpec).containers = [];
      return d;
    }, ['spec.template.spec.containers: Required value']],
  ];
  for (const [name, make, expected] of cases) test(name, () => assert.deepEqual(msgs(make()), expected));

  test('selector immutable on update (apps/v1)', () => {
    const old = deploy();
    old.metadata = { ...old.metadata, resourceVersion: '9', generation: 1 };
    const n = structuredClone(old);
    (n.spec as DeploymentSpec).selector = { matchLabels: { app: 'y' } };
    (n.spec as DeploymentSpec).template.metadata = { labels: { app: 'y' } };
    const prepared = prepareForUpdate(applyDefaults(n), old);
    assert.equal(prepared.metadata.generation, 2);
    assert.deepEqual(validateUpdate(prepared, old).map(formatFieldError), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });
  test('scaling through the main resource is fine and bumps generation', () => {
    const old = deploy();
    old.metadata = { ...old.metadata, resourceVersion: '9', generation: 3 };
    const n = structuredClone(old);
    (n.spec as DeploymentSpec).replicas = 6;
    const prepared = prepareForUpdate(applyDefaults(n), old);
    assert.equal(prepared.metadata.generation, 4);
    assert.deepEqual(validateUpdate(prepared, old), []);
  });
});

describe('ReplicaSet validation', () => {
  const rs = (labels: Record<string, string>): ReplicaSet =>
    created({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'nsxdemoapp-85d76c598f', namespace: 'demons' },
      spec: {
        selector: { matchLabels: { app: 'nsxdemo', 'pod-template-hash': '85d76c598f' } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo' }] } },
      },
    });
  test('valid: what the deployment controller creates', () =>
    assert.deepEqual(msgs(rs({ app: 'nsxdemo', 'pod-template-hash': '85d76c598f' })), []));
  test('selector must match template labels', () =>
    assert.deepEqual(msgs(rs({ app: 'nsxdemo' })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nsxdemo"}: `selector` does not match template `labels`',
    ]));
});
