/**
 * The endpoint the generators are measured against: Debian's nginx with one worker answering
 * `200 {"ok":true}` from memory, fast enough that the load generator, not the server, is the
 * bottleneck (a Node server saturates at about the same rate whatever drives it). Also finds or
 * installs the external tools the benchmark needs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../src/infra/ports.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running nginx started by `startNginx`. */
export interface RunningNginx {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The body nginx answers with; the generators see 200 and 11 bytes. */
export const NGINX_BODY = '{"ok":true}';

/** Debian packages the benchmark runs, by the command they provide. */
const PACKAGES = { nginx: 'nginx-light', wrk: 'wrk' } as const;

function onPath(command: string): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env['PATH'] ?? '').split(':')]) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * Paths of nginx and wrk. When one is missing and we run as root with apt-get available, installs
 * the Debian packages (saying so first); otherwise throws with the exact command to run.
 */
export function ensureTools(log: (line: string) => void): { nginx: string; wrk: string } {
  const missing = (Object.keys(PACKAGES) as (keyof typeof PACKAGES)[]).filter((c) => !onPath(c));
  if (missing.length > 0) {
    const packages = missing.map((c) => PACKAGES[c]).join(' ');
    const command = `apt-get update && apt-get install -y ${packages}`;
    if (process.getuid?.() === 0 && onPath('apt-get')) {
      log(`${missing.join(' and ')} missing: running \`${command}\` (Debian packages; nginx is started only by this benchmark, on loopback)`);
      const result = spawnSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (result.status !== 0) throw new Error(`\`${command}\` failed (exit ${result.status})`);
    } else {
      throw new Error(`${missing.join(' and ')} not found. Install with: sudo ${command.replace('&& apt-get', '&& sudo apt-get')}`);
    }
  }
  return { nginx: onPath('nginx')!, wrk: onPath('wrk')! };
}

function nginxConfig(prefix: string, port: number): string {
  // One worker so that the server side costs one core at most; the other core is the generator's.
  // Temp paths under the prefix: the defaults under /var/lib/nginx need root.
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      default_type application/json;
      return 200 '${NGINX_BODY}';
    }
  }
}
`;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited with code ${child.exitCode}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts nginx (master + one worker) on a free loopback port with a temporary config. */
export async function startNginx(binary: string): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'ticketbench-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, port));
  // -e: nginx opens its default error log before reading the config otherwise.
  const child = spawn(binary, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 5_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}${stderr ? `: ${stderr.trim()}` : ''}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(prefix, { recursive: true, force: true });
          resolve();
        });
        // SIGTERM: nginx's fast shutdown; the master stops its worker.
        child.kill('SIGTERM');
      }),
  };
}
