/** Shim of `k6/execution` for the harness: the VU's and the iteration's ids, as k6 numbers them. */
import type { HarnessContext } from '../protocol.ts';

const ctx = (): HarnessContext => (globalThis as unknown as { __tbK6: HarnessContext }).__tbK6;

export default {
  get vu() {
    return { idInTest: ctx().vu.idInTest, idInInstance: ctx().vu.idInInstance, iterationInInstance: 0, iterationInScenario: 0 };
  },
  get scenario() {
    return { name: ctx().scenario.name, iterationInTest: ctx().scenario.iterationInTest, iterationInInstance: 0 };
  },
  get instance() {
    return { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0, currentTestRunDuration: 0 };
  },
};
