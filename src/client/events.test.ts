import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Event, Node, Service } from '../api/index.js';
import { FakeClock } from '../core/index.js';
import { ApiStatusError } from './api-error.js';
import { EventRecorder, eventSinkFor, type EventSink } from './events.js';
import { FakeApiServer } from './_fake-api-server.js';
import { Resources } from './resource-ref.js';
import { RestClient } from './rest-client.js';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'demons', name: 'web', uid: 'u-1', resourceVersion: '42' }, spec: {} };
const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'k8s-node1', uid: 'u-n' } };

function fakeSink(): { sink: EventSink; calls: string[]; stored: Map<string, Event>; missing: Set<string> } {
  const calls: string[] = [];
  const stored = new Map<string, Event>();
  const missing = new Set<string>();
  return {
    calls,
    stored,
    missing,
    sink: {
      async create(ns, ev) {
        calls.push(`create ${ns}/${ev.metadata.name} count=${ev.count}`);
        stored.set(ev.metadata.name!, ev);
        return ev;
      },
      async patch(ns, name, p) {
        calls.push(`patch ${ns}/${name} ${JSON.stringify(p)}`);
        if (missing.has(name)) throw new ApiStatusError({ apiVersion: 'v1', kind: 'Status', metadata: {}, code: 404, reason: 'NotFound' }, 404);
        const ev = { ...stored.get(name)!, ...p };
        stored.set(name, ev);
        return ev;
      },
    },
  };
}

describe('EventRecorder', () => {
  test('writes a core/v1 Event the way client-go does', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const { sink, stored } = fakeSink();
    const rec = new EventRecorder({ sink, component: 'endpointslice-controller', host: 'k8s-master', clock });
    const out = await rec.record(svc, 'Normal', 'Synced', 'endpoints updated');
    assert.equal(out.type, 'created');
    const ev = [...stored.values()][0]!;
    // 2026-01-02T03:04:05.678Z in nanoseconds, hex.
    const nanos = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) * 1_000_000n;
    assert.equal(ev.metadata.name, `web.${nanos.toString(16)}`);
    assert.match(ev.metadata.name!, /^web\.[0-9a-f]{16}$/);
    assert.deepEqual(ev, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: ev.metadata.name, namespace: 'demons' },
      involvedObject: { kind: 'Service', namespace: 'demons', name: 'web', uid: 'u-1', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'Synced',
      message: 'endpoints updated',
      type: 'Normal',
      source: { component: 'endpointslice-controller', host: 'k8s-master' },
      firstTimestamp: '2026-01-02T03:04:05Z',
      lastTimestamp: '2026-01-02T03:04:05Z',
      count: 1,
      reportingComponent: 'endpointslice-controller',
      reportingInstance: 'k8s-master',
    });
  });

  test('identical events aggregate into count and lastTimestamp; different messages do not', async () => {
    const clock = new FakeClock();
    const { sink, calls, stored } = fakeSink();
    const rec = new EventRecorder({ sink, component: 'c', clock });
    rec.event(svc, 'Warning', 'Failed', 'boom');
    clock.advance(3000);
    rec.event(svc, 'Warning', 'Failed', 'boom');
    rec.event(svc, 'Warning', 'Failed', 'other');
    clock.advance(1000);
    rec.event(svc, 'Warning', 'Failed', 'boom');
    await rec.flush();
    assert.equal(calls.length, 4);
    assert.match(calls[0]!, /^create demons\/web\.[0-9a-f]{16} count=1$/);
    const name = calls[0]!.split(' ')[1]!.split('/')[1]!;
    assert.equal(calls[1], `patch demons/${name} {"count":2,"lastTimestamp":"2026-01-01T00:00:03Z","message":"boom"}`);
    assert.match(calls[2]!, /^create demons\/web\.[0-9a-f]{16} count=1$/);
    assert.notEqual(calls[2]!.split(' ')[1], calls[0]!.split(' ')[1], 'names are unique even at the same instant');
    assert.equal(calls[3], `patch demons/${name} {"count":3,"lastTimestamp":"2026-01-01T00:00:04Z","message":"boom"}`);
    assert.equal(stored.get(name)?.firstTimestamp, '2026-01-01T00:00:00Z');
  });

  test('a vanished aggregate is recreated with the running count', async () => {
    const { sink, calls, missing } = fakeSink();
    const rec = new EventRecorder({ sink, component: 'c', clock: new FakeClock() });
    await rec.record(svc, 'Normal', 'R', 'm');
    missing.add(calls[0]!.split(' ')[1]!.split('/')[1]!);
    const out = await rec.record(svc, 'Normal', 'R', 'm');
    assert.equal(out.type, 'created');
    assert.match(calls[2]!, /^create demons\/web\.[0-9a-f]{16} count=2$/);
  });

  test('cluster-scoped objects report into "default"; failures are reported, not thrown', async () => {
    const sink: EventSink = {
      create: async () => {
        throw new Error('apiserver down');
      },
      patch: async () => {
        throw new Error('unused');
      },
    };
    const rec = new EventRecorder({ sink, component: 'node-agent', host: 'k8s-node1', clock: new FakeClock() });
    const out = await rec.record(node, 'Normal', 'NodeReady', 'ready');
    assert.equal(out.type, 'failed');
    const { sink: ok, calls } = fakeSink();
    await new EventRecorder({ sink: ok, component: 'node-agent', clock: new FakeClock() }).record(node, 'Normal', 'NodeReady', 'ready');
    assert.match(calls[0]!, /^create default\/k8s-node1\./);
  });

  test('spam filter: a burst per object, then one event per refill interval', async () => {
    const clock = new FakeClock();
    const { sink } = fakeSink();
    const rec = new EventRecorder({ sink, component: 'c', clock, burst: 3, refillMs: 1000 });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push((await rec.record(svc, 'Normal', 'R', `m${i}`)).type);
    assert.deepEqual(outcomes, ['created', 'created', 'created', 'dropped', 'dropped']);
    assert.equal((await rec.record(node, 'Normal', 'R', 'other object')).type, 'created');
    clock.advance(1000);
    assert.equal((await rec.record(svc, 'Normal', 'R', 'again')).type, 'created');
    assert.equal((await rec.record(svc, 'Normal', 'R', 'again2')).type, 'dropped');
  });

  test('over the wire: POST to the namespace, strategic-merge PATCH for repeats', async () => {
    const server = new FakeApiServer(Resources.events, 'Event');
    const client = new RestClient({ handler: server.handler });
    try {
      const rec = new EventRecorder({ sink: eventSinkFor(client), component: 'c', clock: new FakeClock() });
      await rec.record(svc, 'Normal', 'R', 'm');
      await rec.record(svc, 'Normal', 'R', 'm');
      const [post, patch] = server.requests;
      assert.equal(post?.method, 'POST');
      assert.equal(post?.path, '/api/v1/namespaces/demons/events');
      assert.equal(patch?.method, 'PATCH');
      assert.equal(patch?.headers['content-type'], 'application/strategic-merge-patch+json');
      const stored = server.objectsNow() as Event[];
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.count, 2);
    } finally {
      client.close();
      await server.close();
    }
  });
});
