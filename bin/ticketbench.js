#!/usr/bin/env node
// The `ticketbench` executable: registers tsx so the TypeScript sources (and users' .ts scenario
// files) load without a build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// Drivers (kafkajs, ioredis) may hold sockets open for a moment; the run is over, so leave now.
process.stdout.write('', () => process.exit(code));
