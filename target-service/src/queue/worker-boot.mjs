// Entry of a worker thread that runs a TypeScript module: workers do not inherit the parent's
// tsx loader (Node 20), so register it here, then import the module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
