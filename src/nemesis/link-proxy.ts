/**
 * A TCP relay between the target instances and one of their servers (MySQL or Redis), through
 * which the network faults act: it can delay every chunk by a fixed time each way, or hold
 * everything (a partition: connections stay open, nothing gets through, new connections are
 * accepted but not connected on) until healed, when what was held is delivered in order.
 *
 * Why a relay and not `tc netem` in a network namespace: netem needs the kernel's sch_netem
 * module (absent here: "Specified qdisc kind is unknown") and root; a relay works for any user
 * and any kernel, the way Toxiproxy does. It carries only the target's links, so the checks and
 * the setup still reach the servers directly. Kafka is not relayed: its clients connect to the
 * addresses the broker advertises, not to the one they were given.
 */
import net from 'node:net';

/** What a link relayed and held, for the timeline. */
export interface LinkCounters {
  /** Connections accepted so far. */
  readonly connections: number;
  /** Chunks that waited (delayed or held) since the counters were last taken. */
  readonly chunksWaited: number;
}

/** A running relay. */
export interface LinkProxy {
  /** What it relays to, e.g. `mysql 127.0.0.1:3306`. */
  readonly name: string;
  /** The loopback port it listens on. */
  readonly port: number;
  /** Delays every chunk by `ms` each way (0: none). */
  setDelay(ms: number): void;
  /** Holds everything (true) or delivers what was held and relays again (false). */
  setPartitioned(partitioned: boolean): void;
  /** Returns the counters and resets `chunksWaited`. */
  takeCounters(): LinkCounters;
  /** Closes the listener and every relayed connection. */
  close(): Promise<void>;
}

/** One direction of one connection: chunks in order, each released at its time (or when the partition heals). */
class Pipe {
  private readonly queue: { readonly chunk: Buffer; readonly at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: net.Socket,
    private readonly link: { delayMs: number; partitioned: boolean; waited: number },
  ) {}

  push(chunk: Buffer): void {
    if (this.link.delayMs === 0 && !this.link.partitioned && this.queue.length === 0) {
      this.to.write(chunk);
      return;
    }
    this.link.waited += 1;
    this.queue.push({ chunk, at: Date.now() + this.link.delayMs });
    this.flush();
  }

  /** Writes every chunk that is due, and waits for the next one. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.link.partitioned) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.to.write(this.queue.shift()!.chunk);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), this.queue[0]!.at - now);
  }

  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/**
 * Starts a relay on 127.0.0.1 (a free port) to `upstream`.
 * @throws the listen error.
 */
export async function startLinkProxy(name: string, upstream: { readonly host: string; readonly port: number }): Promise<LinkProxy> {
  const link = { delayMs: 0, partitioned: false, waited: 0 };
  let connections = 0;
  const pipes = new Set<Pipe>();
  const sockets = new Set<net.Socket>();
  const waitingToConnect: (() => void)[] = [];

  const server = net.createServer((client) => {
    connections += 1;
    sockets.add(client);
    client.setNoDelay(true);
    const connect = () => {
      const server = net.connect(upstream.port, upstream.host);
      server.setNoDelay(true);
      sockets.add(server);
      const up = new Pipe(server, link);
      const down = new Pipe(client, link);
      pipes.add(up).add(down);
      client.on('data', (chunk: Buffer) => up.push(chunk));
      server.on('data', (chunk: Buffer) => down.push(chunk));
      const end = () => {
        up.drop();
        down.drop();
        pipes.delete(up);
        pipes.delete(down);
        client.destroy();
        server.destroy();
        sockets.delete(client);
        sockets.delete(server);
      };
      client.on('close', end).on('error', end);
      server.on('close', end).on('error', end);
    };
    // During a partition a new connection gets no further than the relay; bytes the client
    // sends meanwhile are kept by the paused socket.
    if (link.partitioned) {
      client.pause();
      waitingToConnect.push(() => {
        connect();
        client.resume();
      });
      client.on('error', () => client.destroy());
    } else {
      connect();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    name,
    port,
    setDelay(ms) {
      link.delayMs = ms;
      if (ms === 0) for (const pipe of pipes) pipe.flush();
    },
    setPartitioned(partitioned) {
      link.partitioned = partitioned;
      if (partitioned) return;
      for (const pipe of pipes) pipe.flush();
      for (const go of waitingToConnect.splice(0)) go();
    },
    takeCounters() {
      const counters = { connections, chunksWaited: link.waited };
      link.waited = 0;
      return counters;
    },
    async close() {
      link.partitioned = false;
      for (const pipe of pipes) pipe.drop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
