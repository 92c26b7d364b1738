import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildService, type ServiceBuild } from './builders.js';
import { categorizeEndpoints } from './categorize.js';
import { projectService } from './project.js';
import type { EndpointInfo } from './types.js';

type Flags = 'R' | 'T' | 'ST' | 'N'; // ready, terminating (not serving), serving+terminating, not ready
function ep(ip: string, flags: Flags, local: boolean): EndpointInfo {
  return {
    key: `${ip}:80`,
    ip,
    port: 80,
    ready: flags === 'R',
    serving: flags === 'R' || flags === 'ST',
    terminating: flags === 'T' || flags === 'ST',
    nodeName: local ? 'me' : 'other',
    zone: '',
    isLocal: local,
  };
}

const base: ServiceBuild = { namespace: 'a', name: 's', clusterIP: '10.96.0.5', ports: [{ port: 80, nodePort: 30080 }], type: 'NodePort' };
const port = (extra: Partial<ServiceBuild>) => {
  const p = projectService(buildService({ ...base, ...extra })).ports[0];
  if (p === undefined) throw new Error('no port');
  return p;
};
const ips = (l: readonly EndpointInfo[]) => l.map((e) => e.ip).join(',');

const CASES: ReadonlyArray<{
  name: string;
  svc: Partial<ServiceBuild>;
  eps: EndpointInfo[];
  cluster: string;
  local: string;
  all: string;
  any: boolean;
}> = [
  { name: 'no endpoints', svc: {}, eps: [], cluster: '', local: '', all: '', any: false },
  { name: 'ready ones only', svc: {}, eps: [ep('1', 'R', false), ep('2', 'N', false), ep('3', 'ST', true)], cluster: '1', local: '', all: '1', any: true },
  { name: 'serving-terminating fallback', svc: {}, eps: [ep('2', 'N', false), ep('3', 'ST', true), ep('4', 'T', false)], cluster: '3', local: '', all: '3', any: true },
  { name: 'nothing usable', svc: {}, eps: [ep('2', 'N', false), ep('4', 'T', false)], cluster: '', local: '', all: '', any: false },
  {
    name: 'ETP Local: cluster for internal, local for external',
    svc: { externalTrafficPolicy: 'Local' },
    eps: [ep('1', 'R', false), ep('2', 'R', true)],
    cluster: '1,2',
    local: '2',
    all: '1,2',
    any: true,
  },
  {
    name: 'ETP Local, no local endpoint: local empty, service still has endpoints',
    svc: { externalTrafficPolicy: 'Local' },
    eps: [ep('1', 'R', false)],
    cluster: '1',
    local: '',
    all: '1',
    any: true,
  },
  {
    name: 'ETP Local: local fallback to serving-terminating is independent of cluster',
    svc: { externalTrafficPolicy: 'Local' },
    eps: [ep('1', 'R', false), ep('2', 'ST', true)],
    cluster: '1',
    local: '2',
    all: '1,2',
    any: true,
  },
  {
    name: 'ITP Local on a ClusterIP service: local only',
    svc: { type: 'ClusterIP', ports: [{ port: 80 }], internalTrafficPolicy: 'Local' },
    eps: [ep('1', 'R', false), ep('2', 'R', true)],
    cluster: '',
    local: '2',
    all: '2',
    any: true,
  },
  {
    name: 'ITP Local, only remote endpoints: nothing reachable, but endpoints exist',
    svc: { type: 'ClusterIP', ports: [{ port: 80 }], internalTrafficPolicy: 'Local' },
    eps: [ep('1', 'R', false)],
    cluster: '',
    local: '',
    all: '',
    any: true,
  },
];

for (const c of CASES) {
  test(`categorizeEndpoints: ${c.name}`, () => {
    const r = categorizeEndpoints(c.eps, port(c.svc));
    assert.equal(ips(r.cluster), c.cluster, 'cluster');
    assert.equal(ips(r.local), c.local, 'local');
    assert.equal(ips(r.allReachable), c.all, 'allReachable');
    assert.equal(r.hasAnyEndpoints, c.any, 'hasAnyEndpoints');
  });
}
