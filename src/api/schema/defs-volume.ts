// core/v1 Volume. The emulated runtime understands emptyDir, configMap, secret, hostPath and
// persistentVolumeClaim; those are modelled. Every other source upstream knows is accepted as
// an opaque object so manifests using them still pass strict field validation.
import type { OpenApiSchema, SchemaTable } from './openapi-types.js';
import { arr, bool, core, enumStr, int32, obj, opaque, QUANTITY, ref, str } from './schema-builders.js';

/** [field name, component name, description] of each volume source of Kubernetes 1.32. */
const OPAQUE_SOURCES: readonly (readonly [string, string, string])[] = [
  ['gcePersistentDisk', 'GCEPersistentDiskVolumeSource', 'Deprecated GCE persistent disk.'],
  ['awsElasticBlockStore', 'AWSElasticBlockStoreVolumeSource', 'Deprecated AWS EBS disk.'],
  ['gitRepo', 'GitRepoVolumeSource', 'Deprecated git repository checkout.'],
  ['nfs', 'NFSVolumeSource', 'NFS export.'],
  ['iscsi', 'ISCSIVolumeSource', 'iSCSI disk.'],
  ['glusterfs', 'GlusterfsVolumeSource', 'Deprecated Glusterfs mount.'],
  ['rbd', 'RBDVolumeSource', 'Deprecated Rados block device.'],
  ['flexVolume', 'FlexVolumeSource', 'Deprecated FlexVolume driver.'],
  ['cinder', 'CinderVolumeSource', 'Deprecated OpenStack Cinder volume.'],
  ['cephfs', 'CephFSVolumeSource', 'Deprecated CephFS mount.'],
  ['flocker', 'FlockerVolumeSource', 'Deprecated Flocker dataset.'],
  ['downwardAPI', 'DownwardAPIVolumeSource', 'Files with pod metadata.'],
  ['fc', 'FCVolumeSource', 'Fibre channel disk.'],
  ['azureFile', 'AzureFileVolumeSource', 'Deprecated Azure file share.'],
  ['vsphereVolume', 'VsphereVirtualDiskVolumeSource', 'Deprecated vSphere disk.'],
  ['quobyte', 'QuobyteVolumeSource', 'Deprecated Quobyte mount.'],
  ['azureDisk', 'AzureDiskVolumeSource', 'Deprecated Azure data disk.'],
  ['photonPersistentDisk', 'PhotonPersistentDiskVolumeSource', 'Deprecated Photon disk.'],
  ['projected', 'ProjectedVolumeSource', 'Several sources (secrets, config maps, downward API, service account token) projected into one directory.'],
  ['portworxVolume', 'PortworxVolumeSource', 'Deprecated Portworx volume.'],
  ['scaleIO', 'ScaleIOVolumeSource', 'Deprecated ScaleIO volume.'],
  ['storageos', 'StorageOSVolumeSource', 'Deprecated StorageOS volume.'],
  ['csi', 'CSIVolumeSource', 'Ephemeral volume from a CSI driver.'],
  ['ephemeral', 'EphemeralVolumeSource', 'Generic ephemeral volume backed by a claim created with the pod.'],
  ['image', 'ImageVolumeSource', 'Contents of an OCI image.'],
];

function opaqueSources(): { fields: Record<string, OpenApiSchema>; table: Record<string, OpenApiSchema> } {
  const fields: Record<string, OpenApiSchema> = {};
  const table: Record<string, OpenApiSchema> = {};
  for (const [field, component, description] of OPAQUE_SOURCES) {
    fields[field] = ref(core(component), description);
    table[core(component)] = opaque(`${description} Kept verbatim.`);
  }
  return { fields, table };
}

const opaqueParts = opaqueSources();

export const volumeSchemas: SchemaTable = {
  [core('Volume')]: obj(
    'A named volume of a pod; exactly one source member is set.',
    {
      name: str('Name of the volume, a DNS label unique within the pod; containers mount it by this name.'),
      hostPath: ref(core('HostPathVolumeSource'), 'A file or directory of the node.'),
      emptyDir: ref(core('EmptyDirVolumeSource'), 'A scratch directory that lives as long as the pod.'),
      secret: ref(core('SecretVolumeSource'), 'Keys of a Secret as files.'),
      persistentVolumeClaim: ref(core('PersistentVolumeClaimVolumeSource'), 'A persistent volume claim in the same namespace.'),
      configMap: ref(core('ConfigMapVolumeSource'), 'Keys of a ConfigMap as files.'),
      ...opaqueParts.fields,
    },
    { required: ['name'] },
  ),
  [core('HostPathVolumeSource')]: obj(
    'A path on the node.',
    {
      path: str('Path on the node; a symlink is followed.'),
      type: enumStr(
        ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
        'What must exist at the path; empty means no check.',
      ),
    },
    { required: ['path'] },
  ),
  [core('EmptyDirVolumeSource')]: obj('A scratch directory.', {
    medium: str('Storage medium: "" (node default) or "Memory" (tmpfs).'),
    sizeLimit: ref(QUANTITY, 'Maximum size of the directory.'),
  }),
  [core('SecretVolumeSource')]: obj('A Secret as files.', {
    secretName: str('Name of the Secret in the pod\'s namespace.'),
    items: arr(ref(core('KeyToPath')), 'Which keys to project, and where; default all keys under their own names.', { listType: 'atomic' }),
    defaultMode: int32('Permission bits of the files; default 0644.'),
    optional: bool('Whether the Secret may be missing.'),
  }),
  [core('ConfigMapVolumeSource')]: obj('A ConfigMap as files.', {
    name: str('Name of the ConfigMap.', { default: '' }),
    items: arr(ref(core('KeyToPath')), 'Which keys to project, and where; default all keys under their own names.', { listType: 'atomic' }),
    defaultMode: int32('Permission bits of the files; default 0644.'),
    optional: bool('Whether the ConfigMap may be missing.'),
  }),
  [core('KeyToPath')]: obj(
    'Maps a key to a file path.',
    { key: str('The key.'), path: str('Relative file path.'), mode: int32('Permission bits of the file.') },
    { required: ['key', 'path'] },
  ),
  [core('PersistentVolumeClaimVolumeSource')]: obj(
    'A reference to a persistent volume claim.',
    { claimName: str('Name of the claim in the pod\'s namespace.'), readOnly: bool('Mount read-only.') },
    { required: ['claimName'] },
  ),
  ...opaqueParts.table,
};
