// The load generator of apiserver-bench.ts, run as a child process (IPC messages) so the
// server's process CPU time counts the server alone. Times are absolute
// (performance.timeOrigin + now) so they compare across processes.
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

export interface ClientConfig {
  readonly url: string;
  readonly ca: string;
  readonly token: string;
}

export type ClientOp =
  | { readonly op: 'creates'; readonly path: string; readonly bodies: readonly unknown[]; readonly inflight: number }
  | { readonly op: 'get'; readonly path: string; readonly accept: string; readonly runs: number }
  | { readonly op: 'patches'; readonly paths: readonly string[]; readonly gapMs: number }
  | { readonly op: 'watch-open'; readonly path: string; readonly count: number }
  | { readonly op: 'watch-collect'; readonly rvs: readonly string[]; readonly timeoutMs: number }
  | { readonly op: 'watch-close' };

export type ClientReply =
  | { readonly op: 'creates'; readonly seconds: number; readonly failed: number; readonly firstError: string }
  | { readonly op: 'get'; readonly totals: number[]; readonly ttfbs: number[]; readonly bytes: number; readonly status: number; readonly error: string }
  | { readonly op: 'patches'; readonly sent: number[]; readonly answered: number[]; readonly rvs: string[] }
  | { readonly op: 'watch-open' }
  /** Per watcher, per rv: absolute receive time, or -1 when never seen. */
  | { readonly op: 'watch-collect'; readonly seen: number[][] }
  | { readonly op: 'watch-close' };

const cfg = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const base = new URL(cfg.url);
const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: cfg.ca });
const now = () => performance.timeOrigin + performance.now();

interface Resp {
  readonly status: number;
  readonly bytes: number;
  readonly head: string;
  readonly ttfb: number;
}

function send(method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { Authorization: `Bearer ${cfg.token}`, Accept: accept };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    const r = request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
      const ttfb = now() - t0;
      const keep: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        // Large lists are only counted.
        if (bytes < 64 * 1024) keep.push(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, head: Buffer.concat(keep).toString('utf8', 0, 64 * 1024), ttfb }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(payload);
  });
}

const rvOf = (text: string) => /"resourceVersion":"(\d+)"/.exec(text)?.[1] ?? '';

interface Watch {
  readonly seen: Map<string, number>;
  close(): void;
}
let watches: Watch[] = [];

function openWatch(path: string): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const seen = new Map<string, number>();
    const r = request({ host: base.hostname, port: base.port, path, headers: { Authorization: `Bearer ${cfg.token}` }, ca: cfg.ca, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          // Only the resourceVersion matters: no full JSON.parse per event.
          const rv = rvOf(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          if (rv !== '' && !seen.has(rv)) seen.set(rv, at);
        }
      });
      res.on('error', () => undefined);
      resolve({ seen, close: () => r.destroy() });
    });
    r.on('error', () => undefined);
    r.end();
  });
}

async function handle(m: ClientOp): Promise<ClientReply> {
  switch (m.op) {
    case 'creates': {
      let next = 0;
      let failed = 0;
      let firstError = '';
      const t0 = now();
      const worker = async () => {
        while (next < m.bodies.length) {
          const r = await send('POST', m.path, m.bodies[next++]);
          if (r.status !== 201) {
            failed++;
            if (firstError === '') firstError = `${r.status} ${r.head.slice(0, 300)}`;
          }
        }
      };
      await Promise.all(Array.from({ length: m.inflight }, worker));
      return { op: 'creates', seconds: (now() - t0) / 1000, failed, firstError };
    }
    case 'get': {
      const totals: number[] = [];
      const ttfbs: number[] = [];
      let bytes = 0;
      for (let i = 0; i < m.runs; i++) {
        const t0 = now();
        const r = await send('GET', m.path, undefined, undefined, m.accept);
        if (r.status !== 200) return { op: 'get', totals, ttfbs, bytes: r.bytes, status: r.status, error: r.head.slice(0, 300) };
        totals.push(now() - t0);
        ttfbs.push(r.ttfb);
        bytes = r.bytes;
      }
      return { op: 'get', totals, ttfbs, bytes, status: 200, error: '' };
    }
    case 'patches': {
      const sent: number[] = [];
      const answered: number[] = [];
      const rvs: string[] = [];
      for (const [i, path] of m.paths.entries()) {
        sent.push(now());
        const r = await send('PATCH', path, { metadata: { labels: { seq: String(i) } } }, 'application/merge-patch+json');
        answered.push(now());
        if (r.status !== 200) throw new Error(`PATCH ${path}: ${r.status} ${r.head.slice(0, 300)}`);
        rvs.push(rvOf(r.head));
        await new Promise((res) => setTimeout(res, m.gapMs));
      }
      return { op: 'patches', sent, answered, rvs };
    }
    case 'watch-open':
      watches = await Promise.all(Array.from({ length: m.count }, () => openWatch(m.path)));
      return { op: 'watch-open' };
    case 'watch-collect': {
      const deadline = now() + m.timeoutMs;
      while (now() < deadline && watches.some((w) => m.rvs.some((rv) => !w.seen.has(rv)))) await new Promise((res) => setTimeout(res, 5));
      return { op: 'watch-collect', seen: watches.map((w) => m.rvs.map((rv) => w.seen.get(rv) ?? -1)) };
    }
    case 'watch-close':
      for (const w of watches) w.close();
      watches = [];
      agent.destroy();
      return { op: 'watch-close' };
  }
}

process.on('message', (m: ClientOp) => {
  handle(m).then(
    (r) => process.send!({ ok: r }),
    (e: unknown) => process.send!({ error: e instanceof Error ? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
