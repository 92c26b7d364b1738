// Realistic objects in the JSON form Go prints them (value structs always present, zero
// scalars with omitempty absent, zero Times omitted as with zeroTime 'omit'). Names and
// addresses follow the reference article (nsx-t-k8s-part5: namespace demons, nsxtestservice,
// nsxdemoapp, lb.yaml).

import type { JsonObject } from './json.js';

/** The article's Service as the API server returns it (kubectl edit shows this form). */
export const articleService: JsonObject = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: {
    name: 'nsxtestservice',
    namespace: 'demons',
    selfLink: '/api/v1/namespaces/demons/services/nsxtestservice',
    uid: 'f0edfc3a-ec24-11e9-b9d2-005056b42e41',
    resourceVersion: '13864177',
    creationTimestamp: '2019-10-11T12:45:01Z',
    labels: { app: 'nsxtestservice' },
    managedFields: [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2019-10-11T12:45:01Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      },
    ],
  },
  spec: {
    ports: [{ name: '80-80', protocol: 'TCP', port: 80, targetPort: 80 }],
    selector: { run: 'nsxtestapp' },
    clusterIP: '10.101.129.209',
    clusterIPs: ['10.101.129.209'],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  },
  status: { loadBalancer: {} },
};

/** lb.yaml from the article, exactly as written (not normalized: no status). */
export const articleLbYaml: JsonObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nsxdemoservice', labels: { app: 'nsxdemoservice' } },
  spec: {
    type: 'LoadBalancer',
    selector: { app: 'nsxdemo' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
  },
};

/** The same Service once allocated and load balanced. */
export const articleLbService: JsonObject = {
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { name: 'nsxdemoservice', namespace: 'demons', labels: { app: 'nsxdemoservice' } },
  spec: {
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 31234 }],
    selector: { app: 'nsxdemo' },
    clusterIP: '10.96.42.7',
    type: 'LoadBalancer',
    sessionAffinity: 'ClientIP',
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 32000,
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    allocateLoadBalancerNodePorts: true,
    loadBalancerClass: 'svcnet.io/bgp',
  },
  status: { loadBalancer: { ingress: [{ ip: '10.114.209.195', ipMode: 'VIP' }] } },
};

/** nsxdemoapp.yml from the article, normalized. */
export const articleDeployment: JsonObject = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'nsxdemoapp' },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'nsxdemo' } },
    template: {
      metadata: { labels: { app: 'nsxdemo' } },
      spec: {
        containers: [{ name: 'nsx-demo', image: 'dumlutimuralp/nsx-demo', ports: [{ containerPort: 80 }], resources: {} }],
      },
    },
    strategy: {},
  },
  status: {},
};

/** The article's Deployment after server defaulting and a rollout. */
export const defaultedDeployment: JsonObject = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'nsxdemoapp', namespace: 'demons', uid: '7d1c1a52-3c55-4c86-9a0a-5b8f3f1e0c11', resourceVersion: '2001', generation: 1, creationTimestamp: '2019-10-11T21:00:00Z' },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'nsxdemo' } },
    template: {
      metadata: { labels: { app: 'nsxdemo' } },
      spec: {
        containers: [
          {
            name: 'nsx-demo',
            image: 'dumlutimuralp/nsx-demo',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'Always',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
  status: {
    observedGeneration: 1,
    replicas: 4,
    updatedReplicas: 4,
    readyReplicas: 4,
    availableReplicas: 4,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        lastUpdateTime: '2019-10-11T21:00:05Z',
        lastTransitionTime: '2019-10-11T21:00:05Z',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
    ],
  },
};

export const configMap: JsonObject = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: {
    name: 'game-config',
    namespace: 'demons',
    // A computed key defines an own property; a literal '__proto__' key would set the prototype.
    annotations: { 'svcnet.io/note': 'ünïcödé ✓', ['__proto__']: 'kept as a key' },
  },
  data: { 'game.properties': 'enemies=aliens\nlives=3\n', 'ui.properties': 'color.good=purple\n', empty: '' },
  binaryData: { 'logo.png': 'iVBORw0KGgo=', zero: '' },
  immutable: false,
};

export const namespace: JsonObject = {
  kind: 'Namespace',
  apiVersion: 'v1',
  metadata: {
    name: 'demons',
    uid: '0b6d3c5e-0f43-4b8a-9a57-8c1b0b8b2d11',
    resourceVersion: '42',
    creationTimestamp: '2019-10-11T09:00:00Z',
    deletionTimestamp: '2019-10-12T09:00:00Z',
    deletionGracePeriodSeconds: 0,
    labels: { 'kubernetes.io/metadata.name': 'demons' },
    finalizers: ['svcnet.io/cleanup'],
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2019-10-12T09:00:01Z', reason: 'ContentDeleted', message: 'All content successfully deleted' }] },
};

/** A Pod of the article's nsxtestapp, with most PodSpec/Container features in use. */
export const richPod: JsonObject = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    name: 'nsxtestapp-5bfcc97b5-gdv6n',
    generateName: 'nsxtestapp-5bfcc97b5-',
    namespace: 'demons',
    uid: '2a0f5d7e-ec24-11e9-b9d2-005056b42e41',
    resourceVersion: '13860000',
    creationTimestamp: '1969-07-20T20:17:40Z',
    labels: { 'pod-template-hash': '5bfcc97b5', run: 'nsxtestapp' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nsxtestapp-5bfcc97b5', uid: '1e2f3a4b-ec24-11e9-b9d2-005056b42e41', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    volumes: [
      { name: 'config', configMap: { name: 'app-config', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420 } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'token', secret: { secretName: 'tok', optional: true } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-0' } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    ],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], resources: {} }],
    containers: [
      {
        name: 'nsxtestapp',
        image: 'dumlutimuralp/nsx-demo',
        args: ['--port', '80'],
        workingDir: '/app',
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { hostPort: 8443, containerPort: 443, protocol: 'TCP', hostIP: '0.0.0.0' }],
        envFrom: [{ prefix: 'CM_', configMapRef: { name: 'app-config' } }, { secretRef: { name: 'tok', optional: false } }],
        env: [
          { name: 'MODE', value: 'demo' },
          { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'a', optional: false } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'tok', key: 'token' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { containerName: 'nsxtestapp', resource: 'limits.memory', divisor: '1Mi' } } },
        ],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
        volumeMounts: [{ name: 'config', readOnly: true, mountPath: '/etc/app' }, { name: 'scratch', mountPath: '/tmp', subPath: 'x' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 3, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 5 },
        lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['true'] } } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } },
        stdin: true,
        tty: true,
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    activeDeadlineSeconds: 86400,
    dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    serviceAccountName: 'default',
    serviceAccount: 'default',
    automountServiceAccountToken: false,
    nodeName: 'k8s-node1',
    securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000, -1, 4294967296] },
    imagePullSecrets: [{ name: 'regcred' }],
    hostname: 'web-0',
    subdomain: 'web',
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'run', operator: 'In', values: ['nsxtestapp'] }] }, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z9'] }] }] } },
    },
    schedulerName: 'default-scheduler',
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    hostAliases: [{ ip: '10.114.209.1', hostnames: ['gw.local'] }],
    priority: 0,
    dnsConfig: { nameservers: ['10.96.0.10'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    readinessGates: [{ conditionType: 'svcnet.io/lb-ready' }],
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { run: 'nsxtestapp' } } }],
    os: { name: 'linux' },
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2019-10-11T12:46:01Z' }],
    hostIP: '10.114.209.11',
    podIP: '172.25.5.2',
    startTime: '2019-10-11T12:45:30Z',
    containerStatuses: [
      {
        name: 'nsxtestapp',
        state: { running: { startedAt: '2019-10-11T12:45:40Z' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2019-10-11T12:40:00Z', finishedAt: '2019-10-11T12:45:00Z', containerID: 'docker://0ab' } },
        ready: true,
        restartCount: 1,
        image: 'dumlutimuralp/nsx-demo:latest',
        imageID: 'docker-pullable://dumlutimuralp/nsx-demo@sha256:0123',
        containerID: 'docker://abc',
        started: true,
      },
    ],
    qosClass: 'Burstable',
    podIPs: [{ ip: '172.25.5.2' }],
    hostIPs: [{ ip: '10.114.209.11' }],
  },
};
