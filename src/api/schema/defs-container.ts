// core/v1 Container and what it references: ports, environment, resources, probes, mounts.
import type { SchemaTable } from './openapi-types.js';
import {
  arr, bool, core, enumStr, INTSTR, int32, int64, obj, opaque, QUANTITY, quantityMap, ref, str, strings,
} from './schema-builders.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const probeFields = {
  exec: ref(core('ExecAction'), 'Run a command in the container; exit status 0 is success.'),
  httpGet: ref(core('HTTPGetAction'), 'HTTP GET; a status in 200-399 is success.'),
  tcpSocket: ref(core('TCPSocketAction'), 'Open a TCP connection; connecting is success.'),
  grpc: ref(core('GRPCAction'), 'gRPC health check.'),
};

export const containerSchemas: SchemaTable = {
  [core('Container')]: obj(
    'A single application container of a pod.',
    {
      name: str('Name of the container, a DNS label unique within the pod. Cannot be updated.'),
      image: str('Container image name.'),
      command: strings('Entrypoint array, replacing the image\'s ENTRYPOINT. Not run in a shell. $(VAR) references are expanded.', { listType: 'atomic' }),
      args: strings('Arguments to the entrypoint, replacing the image\'s CMD. $(VAR) references are expanded.', { listType: 'atomic' }),
      workingDir: str('Working directory; defaults to the image\'s.'),
      ports: arr(
        ref(core('ContainerPort')),
        'Ports the container exposes. Informational: any port the process listens on is reachable. Named ports can be referenced by Service targetPort.',
        { mergeKey: 'containerPort', strategy: 'merge', listType: 'map', mapKeys: ['containerPort', 'protocol'] },
      ),
      envFrom: arr(ref(core('EnvFromSource')), 'Sources whose keys all become environment variables; env entries win on conflicts.', { listType: 'atomic' }),
      env: arr(ref(core('EnvVar')), 'Environment variables of the container.', { mergeKey: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] }),
      resources: ref(core('ResourceRequirements'), 'Compute resources the container requests and is limited to.'),
      resizePolicy: arr(ref(core('ContainerResizePolicy')), 'How in-place resizes of each resource are applied.', { listType: 'atomic' }),
      restartPolicy: str('Only for init containers: "Always" makes it a sidecar that keeps running beside the app containers.'),
      volumeMounts: arr(ref(core('VolumeMount')), 'Pod volumes mounted into the container\'s filesystem.', {
        mergeKey: 'mountPath',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['mountPath'],
      }),
      volumeDevices: arr(ref(core('VolumeDevice')), 'Block devices used by the container.', {
        mergeKey: 'devicePath',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['devicePath'],
      }),
      livenessProbe: ref(core('Probe'), 'Periodic check of container liveness; the container is restarted when it fails.'),
      readinessProbe: ref(core('Probe'), 'Periodic check of readiness; a pod that is not ready is removed from service endpoints.'),
      startupProbe: ref(core('Probe'), 'Check that must succeed before the other probes start.'),
      lifecycle: ref(core('Lifecycle'), 'Actions run after start and before stop.'),
      terminationMessagePath: str('File whose contents become the termination message; default /dev/termination-log.'),
      terminationMessagePolicy: enumStr(['FallbackToLogsOnError', 'File'], 'File (default) or FallbackToLogsOnError (use the log tail when the file is empty).'),
      imagePullPolicy: enumStr(['Always', 'IfNotPresent', 'Never'], 'When to pull the image: Always, IfNotPresent or Never. Defaults to Always for :latest, else IfNotPresent.'),
      securityContext: ref(core('SecurityContext'), 'Container-level security options.'),
      stdin: bool('Allocate a stdin buffer for the container.'),
      stdinOnce: bool('Close stdin after the first attach session ends.'),
      tty: bool('Allocate a TTY (requires stdin).'),
    },
    { required: ['name'] },
  ),
  [core('SecurityContext')]: opaque('Container-level security options (capabilities, privileged, runAsUser, ...); kept verbatim.'),
  [core('ContainerPort')]: obj(
    'A network port of a container.',
    {
      name: str('IANA_SVC_NAME naming the port, unique in the pod; Services can target it by name.'),
      hostPort: int32('Port to expose on the host; rarely needed.'),
      containerPort: int32('Port number on the pod IP; 1-65535.'),
      protocol: enumStr(PROTOCOLS, 'TCP (default), UDP or SCTP.', { default: 'TCP' }),
      hostIP: str('Host IP to bind the host port to.'),
    },
    { required: ['containerPort'] },
  ),
  [core('EnvVar')]: obj(
    'An environment variable.',
    {
      name: str('Name of the variable.'),
      value: str('Value; $(VAR) references to earlier variables are expanded. Defaults to "".'),
      valueFrom: ref(core('EnvVarSource'), 'Source of the value when value is not given.'),
    },
    { required: ['name'] },
  ),
  [core('EnvVarSource')]: obj('Where an environment variable takes its value from; exactly one member.', {
    fieldRef: ref(core('ObjectFieldSelector'), 'A field of the pod, e.g. metadata.name, status.podIP.'),
    resourceFieldRef: ref(core('ResourceFieldSelector'), 'A resource limit or request of a container.'),
    configMapKeyRef: ref(core('ConfigMapKeySelector'), 'A key of a ConfigMap.'),
    secretKeyRef: ref(core('SecretKeySelector'), 'A key of a Secret.'),
  }),
  [core('ObjectFieldSelector')]: obj(
    'Selects a field of the pod.',
    { apiVersion: str('Version the path is written in; default "v1".'), fieldPath: str('Path of the field.') },
    { required: ['fieldPath'], mapType: 'atomic' },
  ),
  [core('ResourceFieldSelector')]: obj(
    'Selects a resource of a container.',
    {
      containerName: str('Container name; required for volumes.'),
      resource: str('Resource, e.g. limits.cpu.'),
      divisor: ref(QUANTITY, 'Unit of the exposed value; default "1".'),
    },
    { required: ['resource'], mapType: 'atomic' },
  ),
  [core('ConfigMapKeySelector')]: obj(
    'Selects a key of a ConfigMap.',
    { name: str('Name of the ConfigMap.', { default: '' }), key: str('The key.'), optional: bool('Whether the ConfigMap or key may be missing.') },
    { required: ['key'], mapType: 'atomic' },
  ),
  [core('SecretKeySelector')]: obj(
    'Selects a key of a Secret.',
    { name: str('Name of the Secret.', { default: '' }), key: str('The key.'), optional: bool('Whether the Secret or key may be missing.') },
    { required: ['key'], mapType: 'atomic' },
  ),
  [core('EnvFromSource')]: obj('A source of many environment variables.', {
    prefix: str('Prefix added to every key.'),
    configMapRef: ref(core('ConfigMapEnvSource'), 'The ConfigMap.'),
    secretRef: ref(core('SecretEnvSource'), 'The Secret.'),
  }),
  [core('ConfigMapEnvSource')]: obj('A ConfigMap used as environment.', {
    name: str('Name of the ConfigMap.', { default: '' }),
    optional: bool('Whether it may be missing.'),
  }),
  [core('SecretEnvSource')]: obj('A Secret used as environment.', {
    name: str('Name of the Secret.', { default: '' }),
    optional: bool('Whether it may be missing.'),
  }),
  [core('ResourceRequirements')]: obj('Compute resource requests and limits.', {
    limits: quantityMap('Maximum amount of each resource the container may use, e.g. cpu: "500m", memory: "128Mi".'),
    requests: quantityMap('Amount of each resource reserved for scheduling; defaults to limits when only those are given.'),
    claims: arr(ref(core('ResourceClaim')), 'Dynamic resource claims of the pod this container uses.', { listType: 'map', mapKeys: ['name'] }),
  }),
  [core('ResourceClaim')]: obj(
    'Use of a pod resource claim.',
    { name: str('Name of an entry in pod.spec.resourceClaims.'), request: str('Request within the claim.') },
    { required: ['name'] },
  ),
  [core('ContainerResizePolicy')]: obj(
    'Resize policy of one resource.',
    { resourceName: str('cpu or memory.'), restartPolicy: str('NotRequired or RestartContainer.') },
    { required: ['resourceName', 'restartPolicy'] },
  ),
  [core('VolumeMount')]: obj(
    'A mount of a pod volume into a container.',
    {
      name: str('Name of the pod volume.'),
      readOnly: bool('Mount read-only.'),
      recursiveReadOnly: str('Whether read-only applies recursively: Disabled, IfPossible or Enabled.'),
      mountPath: str('Path inside the container; must not contain ":".'),
      subPath: str('Sub-path of the volume to mount instead of its root.'),
      mountPropagation: enumStr(['Bidirectional', 'HostToContainer', 'None'], 'How mounts propagate between host and container.'),
      subPathExpr: str('Like subPath, with $(VAR) expansion.'),
    },
    { required: ['name', 'mountPath'] },
  ),
  [core('VolumeDevice')]: obj(
    'A raw block device of a pod volume.',
    { name: str('Name of the volume claim.'), devicePath: str('Path of the device inside the container.') },
    { required: ['name', 'devicePath'] },
  ),
  [core('Probe')]: obj('A health check of a container: one action plus timing.', {
    ...probeFields,
    initialDelaySeconds: int32('Seconds after start before the first probe.'),
    timeoutSeconds: int32('Seconds before a probe times out; default 1.'),
    periodSeconds: int32('Seconds between probes; default 10.'),
    successThreshold: int32('Consecutive successes to count as passing after a failure; default 1 (must be 1 for liveness and startup).'),
    failureThreshold: int32('Consecutive failures to count as failed; default 3.'),
    terminationGracePeriodSeconds: int64('Grace period when a failing probe kills the container; overrides the pod value.'),
  }),
  [core('ExecAction')]: obj('Runs a command.', {
    command: strings('Command and arguments, run directly (not in a shell) in the container.', { listType: 'atomic' }),
  }),
  [core('HTTPGetAction')]: obj(
    'An HTTP GET request.',
    {
      path: str('Request path.'),
      port: ref(INTSTR, 'Port number or container port name.'),
      host: str('Host to connect to; defaults to the pod IP.'),
      scheme: enumStr(['HTTP', 'HTTPS'], 'HTTP (default) or HTTPS.'),
      httpHeaders: arr(ref(core('HTTPHeader')), 'Extra request headers.', { listType: 'atomic' }),
    },
    { required: ['port'] },
  ),
  [core('HTTPHeader')]: obj('An HTTP header.', { name: str('Header name.'), value: str('Header value.') }, { required: ['name', 'value'] }),
  [core('TCPSocketAction')]: obj(
    'A TCP connection attempt.',
    { port: ref(INTSTR, 'Port number or container port name.'), host: str('Host to connect to; defaults to the pod IP.') },
    { required: ['port'] },
  ),
  [core('GRPCAction')]: obj(
    'A gRPC health check.',
    { port: int32('Port of the gRPC service.'), service: str('Service name passed to the health check.', { default: '' }) },
    { required: ['port'] },
  ),
  [core('SleepAction')]: obj('A pause.', { seconds: int64('Seconds to sleep.') }, { required: ['seconds'] }),
  [core('Lifecycle')]: obj('Hooks run around the container lifetime.', {
    postStart: ref(core('LifecycleHandler'), 'Run right after the container is created; the container is killed if it fails.'),
    preStop: ref(core('LifecycleHandler'), 'Run before the container is stopped by an API request or management event.'),
  }),
  [core('LifecycleHandler')]: obj('A hook action; exactly one member.', {
    exec: probeFields.exec,
    httpGet: probeFields.httpGet,
    tcpSocket: ref(core('TCPSocketAction'), 'Deprecated; accepted for compatibility.'),
    sleep: ref(core('SleepAction'), 'Sleep for a while.'),
  }),
};
