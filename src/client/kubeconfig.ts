// kubeconfig -> ClientConfig. Parsing is pure (file references go through an injected
// reader); `fromKubeconfig` is the I/O edge. Supported: current-context (or an explicit
// context), cluster server, certificate-authority(-data), insecure-skip-tls-verify,
// user token / tokenFile, client-certificate(-data) + client-key(-data), context namespace.
// Not supported: exec and auth-provider plugins, username/password, proxy-url.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { err, ok, type Result } from '../core/index.js';
import { RestClient, type ClientOptions } from './rest-client.js';
import type { NetworkEndpoint } from './transport.js';

export interface KubeconfigResult {
  readonly config: NetworkEndpoint & ClientOptions;
  /** The context's namespace, "default" when unset (as kubectl does). */
  readonly namespace: string;
  readonly context: string;
}

export interface KubeconfigOptions {
  /** Use this context instead of current-context. */
  readonly context?: string;
  /** Resolves relative file references (certificate-authority, tokenFile, ...). */
  readonly baseDir?: string;
  readonly readFile?: (path: string) => string;
}

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** kubeconfig lists are [{name, cluster|user|context: {...}}]. */
function findNamed(doc: Rec, list: string, field: string, name: string): Rec | undefined {
  const items = doc[list];
  if (!Array.isArray(items)) return undefined;
  for (const it of items) {
    const r = rec(it);
    if (r !== undefined && r['name'] === name) return rec(r[field]) ?? {};
  }
  return undefined;
}

export function parseKubeconfig(text: string, opts: KubeconfigOptions = {}): Result<KubeconfigResult, string> {
  let doc: Rec | undefined;
  try {
    doc = rec(parseYaml(text));
  } catch (e) {
    return err(`kubeconfig is not valid YAML: ${(e as Error).message}`);
  }
  if (doc === undefined) return err('kubeconfig is not a mapping');
  const contextName = opts.context ?? str(doc['current-context']);
  if (contextName === undefined) return err('kubeconfig has no current-context');
  const ctx = findNamed(doc, 'contexts', 'context', contextName);
  if (ctx === undefined) return err(`context "${contextName}" not found in kubeconfig`);
  const clusterName = str(ctx['cluster']);
  if (clusterName === undefined) return err(`context "${contextName}" names no cluster`);
  const cluster = findNamed(doc, 'clusters', 'cluster', clusterName);
  if (cluster === undefined) return err(`cluster "${clusterName}" not found in kubeconfig`);
  const server = str(cluster['server']);
  if (server === undefined) return err(`cluster "${clusterName}" has no server`);
  try {
    new URL(server);
  } catch {
    return err(`cluster "${clusterName}" has an invalid server URL ${JSON.stringify(server)}`);
  }
  const userName = str(ctx['user']);
  const user = userName === undefined ? {} : findNamed(doc, 'users', 'user', userName);
  if (user === undefined) return err(`user "${userName}" not found in kubeconfig`);

  const read = (p: string): string => {
    const full = isAbsolute(p) || opts.baseDir === undefined ? p : join(opts.baseDir, p);
    if (opts.readFile === undefined) throw new Error(`kubeconfig refers to file ${full} but no reader was given`);
    return opts.readFile(full);
  };
  const b64 = (v: unknown): string | undefined => (str(v) === undefined ? undefined : Buffer.from(v as string, 'base64').toString('utf8'));
  const pem = (dataKey: string, fileKey: string, from: Rec): string | undefined => {
    const data = b64(from[dataKey]);
    if (data !== undefined) return data;
    const file = str(from[fileKey]);
    return file === undefined ? undefined : read(file);
  };

  try {
    const caPem = pem('certificate-authority-data', 'certificate-authority', cluster);
    const certPem = pem('client-certificate-data', 'client-certificate', user);
    const keyPem = pem('client-key-data', 'client-key', user);
    const tokenFile = str(user['tokenFile']);
    const token = str(user['token']) ?? (tokenFile !== undefined ? read(tokenFile).trim() : undefined);
    if ((certPem === undefined) !== (keyPem === undefined)) return err(`user "${userName}" has a client certificate without a key (or the reverse)`);
    if (rec(user['exec']) !== undefined || rec(user['auth-provider']) !== undefined) {
      if (token === undefined && certPem === undefined) return err(`user "${userName}" uses an exec/auth-provider plugin, which is not supported`);
    }
    const config: NetworkEndpoint & ClientOptions = {
      server,
      ...(caPem !== undefined ? { caPem } : {}),
      ...(certPem !== undefined ? { certPem } : {}),
      ...(keyPem !== undefined ? { keyPem } : {}),
      ...(cluster['insecure-skip-tls-verify'] === true ? { insecureSkipTLSVerify: true } : {}),
      ...(token !== undefined ? { token } : {}),
    };
    return ok({ config, namespace: str(ctx['namespace']) ?? 'default', context: contextName });
  } catch (e) {
    return err(`kubeconfig: ${(e as Error).message}`);
  }
}

/** Reads a kubeconfig file; throws with the reason when it is unusable. */
export function fromKubeconfig(path: string, opts: Omit<KubeconfigOptions, 'baseDir' | 'readFile'> = {}): KubeconfigResult {
  const r = parseKubeconfig(readFileSync(path, 'utf8'), { ...opts, baseDir: dirname(path), readFile: (p) => readFileSync(p, 'utf8') });
  if (!r.ok) throw new Error(`${path}: ${r.error}`);
  return r.value;
}

/** $KUBECONFIG's first entry, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env['KUBECONFIG']?.split(':').find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

/** A client for a kubeconfig's current (or given) context, plus that context's namespace. */
export function clientFromKubeconfig(path: string, opts: Omit<KubeconfigOptions, 'baseDir' | 'readFile'> & ClientOptions = {}): { client: RestClient; namespace: string } {
  const { context, ...clientOpts } = opts;
  const r = fromKubeconfig(path, context !== undefined ? { context } : {});
  return { client: new RestClient({ ...r.config, ...clientOpts }), namespace: r.namespace };
}
