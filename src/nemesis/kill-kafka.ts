/**
 * `kill-kafka`: SIGKILL the Kafka broker ticketbench started (a crash: nothing flushed), and start
 * it again at heal, as `infra up` does. A broker ticketbench did not start is never touched.
 */
import { infraUp } from '../infra/index.ts';
import { isSameProcess, waitForExit } from '../infra/processes.ts';
import { readStarted } from '../infra/started-state.ts';
import type { Fault } from './types.ts';

export const killKafka: Fault = {
  name: 'kill-kafka',
  description: 'SIGKILL the Kafka broker ticketbench started; start it again at heal (the relay and the consumer must catch up)',
  unavailable: () => undefined,
  async start(context) {
    const broker = readStarted(context.stateDir).find((s) => s.name === 'kafka');
    if (!broker || !isSameProcess(broker)) throw new Error('the Kafka broker was not started by ticketbench (infra up): it is not touched');
    process.kill(broker.pid, 'SIGKILL');
    const gone = await waitForExit(broker.pid, 2_000);
    return {
      target: `kafka ${broker.endpoint} (pid ${broker.pid})`,
      detail: `SIGKILL; ${gone ? 'gone' : 'still alive'}`,
      async heal() {
        const up = await infraUp({ connections: context.connections, stateDir: context.stateDir, log: () => undefined });
        const again = readStarted(context.stateDir).find((s) => s.name === 'kafka');
        return up.started.includes('kafka') ? `started again as pid ${again?.pid ?? '?'}` : 'infra up found it running';
      },
    };
  },
};
