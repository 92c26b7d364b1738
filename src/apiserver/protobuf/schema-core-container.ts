// k8s.io/api/core/v1 messages for Container and what it embeds.
// Field numbers, names, Go pointer-ness and JSON tags transcribed from
// k8s.io/api core/v1/generated.proto and types.go (newest kubernetes/api and
// kubernetes/apimachinery; field numbers are never reused, so this also matches kubectl 1.32,
// which simply never sends the newer fields). Notation: see schema-types.ts. Fields whose
// message types are not listed here are skipped on decode and reported in `skipped`.

import type { SchemaSource } from './schema-types.js';

export const coreContainerSchema: SchemaSource = {
  Container: [
    '1 name string',
    '2 image string omitempty',
    '3 command []string omitempty',
    '4 args []string omitempty',
    '5 workingDir string omitempty',
    '6 ports []ContainerPort omitempty',
    '7 env []EnvVar omitempty',
    '8 resources ResourceRequirements omitempty',
    '9 volumeMounts []VolumeMount omitempty',
    '10 livenessProbe *Probe omitempty',
    '11 readinessProbe *Probe omitempty',
    '12 lifecycle *Lifecycle omitempty',
    '13 terminationMessagePath string omitempty',
    '14 imagePullPolicy string omitempty',
    '15 securityContext *SecurityContext omitempty',
    '16 stdin bool omitempty',
    '17 stdinOnce bool omitempty',
    '18 tty bool omitempty',
    '19 envFrom []EnvFromSource omitempty',
    '20 terminationMessagePolicy string omitempty',
    '22 startupProbe *Probe omitempty',
    '23 resizePolicy []ContainerResizePolicy omitempty',
    '24 restartPolicy *string omitempty',
  ],
  ContainerPort: [
    '1 name string omitempty',
    '2 hostPort int32 omitempty',
    '3 containerPort int32',
    '4 protocol string omitempty',
    '5 hostIP string omitempty',
  ],
  EnvVar: [
    '1 name string',
    '2 value string omitempty',
    '3 valueFrom *EnvVarSource omitempty',
  ],
  EnvVarSource: [
    '1 fieldRef *ObjectFieldSelector omitempty',
    '2 resourceFieldRef *ResourceFieldSelector omitempty',
    '3 configMapKeyRef *ConfigMapKeySelector omitempty',
    '4 secretKeyRef *SecretKeySelector omitempty',
  ],
  ObjectFieldSelector: [
    '1 apiVersion string omitempty',
    '2 fieldPath string',
  ],
  ResourceFieldSelector: [
    '1 containerName string omitempty',
    '2 resource string',
    '3 divisor Quantity omitempty',
  ],
  ConfigMapKeySelector: [
    '1 localObjectReference LocalObjectReference inline',
    '2 key string',
    '3 optional *bool omitempty',
  ],
  SecretKeySelector: [
    '1 localObjectReference LocalObjectReference inline',
    '2 key string',
    '3 optional *bool omitempty',
  ],
  LocalObjectReference: [
    '1 name string omitempty',
  ],
  EnvFromSource: [
    '1 prefix string omitempty',
    '2 configMapRef *ConfigMapEnvSource omitempty',
    '3 secretRef *SecretEnvSource omitempty',
  ],
  ConfigMapEnvSource: [
    '1 localObjectReference LocalObjectReference inline',
    '2 optional *bool omitempty',
  ],
  SecretEnvSource: [
    '1 localObjectReference LocalObjectReference inline',
    '2 optional *bool omitempty',
  ],
  ResourceRequirements: [
    '1 limits map[string]Quantity omitempty',
    '2 requests map[string]Quantity omitempty',
    '3 claims []ResourceClaim omitempty',
  ],
  ResourceClaim: [
    '1 name string',
    '2 request string omitempty',
  ],
  Probe: [
    '1 handler ProbeHandler inline',
    '2 initialDelaySeconds int32 omitempty',
    '3 timeoutSeconds int32 omitempty',
    '4 periodSeconds int32 omitempty',
    '5 successThreshold int32 omitempty',
    '6 failureThreshold int32 omitempty',
    '7 terminationGracePeriodSeconds *int64 omitempty',
  ],
  ProbeHandler: [
    '1 exec *ExecAction omitempty',
    '2 httpGet *HTTPGetAction omitempty',
    '3 tcpSocket *TCPSocketAction omitempty',
    '4 grpc *GRPCAction omitempty',
  ],
  ExecAction: [
    '1 command []string omitempty',
  ],
  HTTPGetAction: [
    '1 path string omitempty',
    '2 port IntOrString',
    '3 host string omitempty',
    '4 scheme string omitempty',
    '5 httpHeaders []HTTPHeader omitempty',
    '6 protocol *string omitempty',
  ],
  HTTPHeader: [
    '1 name string',
    '2 value string',
  ],
  TCPSocketAction: [
    '1 port IntOrString',
    '2 host string omitempty',
  ],
  GRPCAction: [
    '1 port int32',
    '2 service *string',
    '3 mode *string omitempty',
  ],
  Lifecycle: [
    '1 postStart *LifecycleHandler omitempty',
    '2 preStop *LifecycleHandler omitempty',
    '3 stopSignal *string omitempty',
  ],
  LifecycleHandler: [
    '1 exec *ExecAction omitempty',
    '2 httpGet *HTTPGetAction omitempty',
    '3 tcpSocket *TCPSocketAction omitempty',
    '4 sleep *SleepAction omitempty',
  ],
  SleepAction: [
    '1 seconds int64',
  ],
  VolumeMount: [
    '1 name string',
    '2 readOnly bool omitempty',
    '3 mountPath string',
    '4 subPath string omitempty',
    '5 mountPropagation *string omitempty',
    '6 subPathExpr string omitempty',
    '7 recursiveReadOnly *string omitempty',
    '8 bindMountOptions []string omitempty',
  ],
  ContainerResizePolicy: [
    '1 resourceName string',
    '2 restartPolicy string',
  ],
  SecurityContext: [
    '1 capabilities *Capabilities omitempty',
    '2 privileged *bool omitempty',
    '3 seLinuxOptions *SELinuxOptions omitempty',
    '4 runAsUser *int64 omitempty',
    '5 runAsNonRoot *bool omitempty',
    '6 readOnlyRootFilesystem *bool omitempty',
    '7 allowPrivilegeEscalation *bool omitempty',
    '8 runAsGroup *int64 omitempty',
    '9 procMount *string omitempty',
    '10 windowsOptions *WindowsSecurityContextOptions omitempty',
    '11 seccompProfile *SeccompProfile omitempty',
    '12 appArmorProfile *AppArmorProfile omitempty',
  ],
  Capabilities: [
    '1 add []string omitempty',
    '2 drop []string omitempty',
  ],
  SELinuxOptions: [
    '1 user string omitempty',
    '2 role string omitempty',
    '3 type string omitempty',
    '4 level string omitempty',
  ],
  SeccompProfile: [
    '1 type string',
    '2 localhostProfile *string omitempty',
  ],
  AppArmorProfile: [
    '1 type string',
    '2 localhostProfile *string omitempty',
  ],
  WindowsSecurityContextOptions: [
    '1 gmsaCredentialSpecName *string omitempty',
    '2 gmsaCredentialSpec *string omitempty',
    '3 runAsUserName *string omitempty',
    '4 hostProcess *bool omitempty',
  ],
};
