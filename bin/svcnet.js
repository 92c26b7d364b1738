#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx, so `npm start` and the
// `svcnet` bin work from a fresh clone without a build step.
import { register } from 'tsx/esm/api';
register();
await import('./svcnet-main.ts');
