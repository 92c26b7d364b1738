// GOLDEN: the article's cluster rendered for k8s-node1 and printed with the dataplane's
// dump formatters gives the article's `ovs-ofctl dump-flows br-int` and `dump-groups
// br-int` (testdata/, copied from nsx-t-k8s-part5.md) apart from durations, counters and
// group numbering. Lines are compared as sets: OVS dumps flows and groups in hash
// order, so the article's line order carries no meaning. Bucket order within a group is
// compared as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dumpFlows, dumpGroups, PortMap } from '../../../dataplane/openflow/index.js';
import { ARTICLE_NODE, ARTICLE_UPLINK, articleServices, articleSlices } from '../../model/article-cluster.js';
import { EndpointsChangeTracker } from '../../model/endpoints-change-tracker.js';
import { projectEndpointSlice, projectService } from '../../model/project.js';
import { ServiceChangeTracker } from '../../model/service-change-tracker.js';
import { OpenFlowCompiler } from './compiler.js';
import { flattenProgram, loadProgram, type OpenFlowFragment } from './program.js';

const FIXTURE = readFileSync(new URL('./testdata/nsx-t-k8s-part5-br-int.txt', import.meta.url), 'utf8');
const [FLOW_BLOCK = '', GROUP_BLOCK = ''] = FIXTURE.split('# ovs-ofctl dump-groups br-int\n');
const ARTICLE_FLOWS = FLOW_BLOCK.split('\n').filter((l) => l.startsWith(' '));
const ARTICLE_GROUPS = GROUP_BLOCK.trimEnd().split('\n');
const PORTS = new PortMap([{ name: ARTICLE_UPLINK.name, ofport: ARTICLE_UPLINK.ofport }]);

/** Strips what the article's capture has and a fresh program cannot: durations and counters. */
const stripStats = (l: string) => l.replace(/ duration=[\d.]+s,/, '').replace(/ n_packets=\d+, n_bytes=\d+,/, '');

/**
 * Group ids are the switch's choice, so name each group by the flow that uses it
 * (`tcp,nw_dst=10.96.0.1,tp_dst=443`) in both dumps.
 */
function nameGroups(flows: string[], groups: string[]): { flows: string[]; groups: string[] } {
  const label = new Map<string, string>();
  for (const f of flows) {
    const m = /ct_state=\+new\+trk,(\S+) actions=group:(\d+)$/.exec(f);
    if (m !== null) label.set(m[2] as string, `<${m[1] as string}>`);
  }
  const rename = (id: string) => label.get(id) ?? `<unnamed ${id}>`;
  return {
    flows: flows.map((f) => f.replace(/group:(\d+)/g, (_s, id: string) => `group:${rename(id)}`)).sort(),
    groups: [groups[0] ?? '', ...groups.slice(1).map((g) => g.replace(/group_id=(\d+)/, (_s, id: string) => `group_id=${rename(id)}`)).sort()],
  };
}

function renderArticle(): OpenFlowFragment[] {
  const svcs = new ServiceChangeTracker();
  const eps = new EndpointsChangeTracker(ARTICLE_NODE.name);
  for (const s of articleServices()) svcs.update(undefined, projectService(s));
  for (const s of articleSlices()) eps.update(undefined, projectEndpointSlice(s), 0);
  svcs.checkout();
  eps.checkout();
  const compiler = new OpenFlowCompiler({ uplink: ARTICLE_UPLINK });
  const out = [compiler.base()];
  for (const name of svcs.serviceNames()) {
    const f = compiler.compile(name, svcs.ports(name), eps.endpointsOf(name), ARTICLE_NODE);
    if (f !== undefined) out.push(f);
  }
  return out;
}

test('GOLDEN: the article cluster renders to the article br-int (dump-flows and dump-groups)', () => {
  const program = loadProgram(flattenProgram(renderArticle()), 0);
  const ours = nameGroups(dumpFlows(program, 0, { ports: PORTS }).split('\n').map(stripStats), dumpGroups(program).split('\n'));
  const article = nameGroups(ARTICLE_FLOWS.map(stripStats), ARTICLE_GROUPS);
  assert.deepEqual(ours.flows, article.flows);
  assert.deepEqual(ours.groups, article.groups);
  assert.equal(ours.flows.length, 14);
  assert.equal(ours.groups.length, 6);
});

test('the normalisation keeps what matters: a changed bucket order or a missing flow is caught', () => {
  const article = nameGroups(ARTICLE_FLOWS.map(stripStats), ARTICLE_GROUPS);
  const swapped = ARTICLE_GROUPS.map((g) => g.replace('172.25.5.2:80', 'X').replace('172.25.5.3:80', '172.25.5.2:80').replace('X', '172.25.5.3:80'));
  assert.notDeepEqual(nameGroups(ARTICLE_FLOWS.map(stripStats), swapped).groups, article.groups);
  assert.notDeepEqual(nameGroups(ARTICLE_FLOWS.slice(1).map(stripStats), ARTICLE_GROUPS).flows, article.flows);
});
