// Worker entry of the k6 test harness: TypeScript through tsx, then the VU (vu-worker.ts).
import { register } from 'tsx/esm/api';
register();
await import('./vu-worker.ts');
