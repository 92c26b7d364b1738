// The article's manifests (Part 5): nsxdemoapp.yml (4 nsx-demo pods, app=nsxdemo) and
// lb.yaml (nsxdemoservice, type LoadBalancer), as files for `kubectl create -f`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LB_YAML = `apiVersion: v1
kind: Service
metadata:
  name: nsxdemoservice
  labels:
    app: nsxdemoservice
spec:
  type: LoadBalancer
  selector:
    app: nsxdemo
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 80
`;

export const DEMO_APP_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nsxdemoapp
spec:
  selector:
    matchLabels:
      app: nsxdemo
  replicas: 4
  template:
    metadata:
      labels:
        app: nsxdemo
    spec:
      containers:
      - name: nsx-demo
        image: dumlutimuralp/nsx-demo
        ports:
        - containerPort: 80
`;

/** Writes both to a fresh directory; returns their paths. */
export function writeManifests(): { readonly lb: string; readonly app: string } {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-manifests-'));
  const lb = join(dir, 'lb.yaml');
  const app = join(dir, 'nsxdemoapp.yml');
  writeFileSync(lb, LB_YAML);
  writeFileSync(app, DEMO_APP_YAML);
  return { lb, app };
}
