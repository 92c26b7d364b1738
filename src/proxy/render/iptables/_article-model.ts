// Test helper: the article's cluster as a render model for k8s-node1.
import { ARTICLE_NODE, articleServices, articleSlices } from '../../model/article-cluster.js';
import { EndpointsChangeTracker } from '../../model/endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from '../../model/project.js';
import { ServiceChangeTracker } from '../../model/service-change-tracker.js';
import type { EndpointInfo, ServicePortInfo } from '../../model/types.js';
import type { KubeRenderModel } from './render-iptables.js';

export const ARTICLE_POD_CIDR = '172.25.0.0/16';

export function articleModel(): KubeRenderModel {
  const svcs = new ServiceChangeTracker();
  const eps = new EndpointsChangeTracker(ARTICLE_NODE.name);
  for (const s of articleServices()) svcs.update(undefined, projectService(s));
  for (const s of articleSlices()) eps.update(undefined, projectEndpointSlice(s), 0);
  svcs.checkout();
  eps.checkout();
  const services = [...svcs.serviceNames()].map((name) => ({ name, ports: svcs.ports(name) }));
  const none: readonly EndpointInfo[] = [];
  return { services, endpointsOf: (p: ServicePortInfo) => eps.endpointsOf(p.service).get(p.name) ?? none };
}
