/**
 * TCP port checks, used to decide whether a local server may be started: only when nothing
 * listens on its port, so a server that answers but refuses us (bad password, still starting)
 * is never started a second time.
 */
import net from 'node:net';

/**
 * True when a TCP connection to host:port is refused (nothing listens there).
 * False when it connects, times out (`timeoutMs`, default 1000) or fails otherwise.
 */
export function isPortClosed(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: unbracket(host), port });
    const done = (closed: boolean): void => {
      socket.destroy();
      resolve(closed);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(false));
    socket.once('error', (err: NodeJS.ErrnoException) => done(isRefused(err)));
  });
}

/**
 * True when this process could listen on host:port right now (it listens and closes at once).
 * Used before starting Kafka to name the busy port instead of a broker crash log.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: unbracket(host), port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** A TCP port free on 127.0.0.1 at the time of asking (the OS picks it; another process may take it before it is used, rarely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `[::1]` as URL.hostname gives it, without the brackets that net does not accept. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isRefused(err: NodeJS.ErrnoException): boolean {
  if (err.code === 'ECONNREFUSED') return true;
  // 'localhost' is tried on ::1 and 127.0.0.1; refused on both arrives as an AggregateError.
  if (err instanceof AggregateError) {
    return err.errors.length > 0 && err.errors.every((e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  }
  return false;
}
