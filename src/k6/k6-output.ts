/**
 * A streaming reader of k6's JSON output (`k6 run --out json=FILE`, gzipped or not): one JSON
 * object per line, `{"type":"Metric","metric":NAME,"data":{…}}` declaring a metric and
 * `{"type":"Point","metric":NAME,"data":{"time":RFC3339,"value":N,"tags":{…}}}` for each sample
 * (grafana.com/docs/k6/latest/results-output/real-time/json). Lines are read one at a time, so a
 * file of millions of points costs the memory of one line plus what the caller keeps.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { TicketbenchError } from '../errors.ts';

/** One sample of a metric. */
export interface K6Point {
  readonly metric: string;
  /** The sample's time, epoch microseconds. */
  readonly timeUs: number;
  readonly value: number;
  /** Its tags, with k6's metadata (when present) merged in. */
  readonly tags: Readonly<Record<string, string>>;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 time (nanoseconds and offsets allowed, as k6 writes them) in epoch microseconds;
 * undefined when the text is not one.
 */
export function parseRfc3339Us(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return undefined;
  const fractionUs = m[7] === undefined ? 0 : Math.floor(Number(m[7].padEnd(9, '0')) / 1000);
  const offsetMin = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  return (ms - offsetMin * 60_000) * 1000 + fractionUs;
}

/** True when the file starts with gzip's magic bytes. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Reads one k6 JSON output file line by line and hands each Point to `onPoint` (Metric lines
 * are counted, not returned).
 * @returns how many Metric and Point lines the file had and the metrics it declared
 * @throws TicketbenchError INVALID_OPTION (exit 2) with one sentence naming the file and line:
 *   unreadable, not gzip when it starts like gzip, not JSON, or not a k6 Metric/Point line
 */
export async function readK6Output(file: string, onPoint: (point: K6Point) => void): Promise<{ metrics: Set<string>; points: number }> {
  const bad = (line: number, what: string) => new TicketbenchError('INVALID_OPTION', `--k6-output ${file}:${line} is not k6 JSON output (${what}); write it with k6 run --out json=${file}.`);
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (err) {
    throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} cannot be read: ${(err as Error).message}.`);
  }
  const raw = createReadStream(file);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const failure: { error?: Error } = {};
  input.on('error', (err: Error) => (failure.error = err));
  raw.on('error', (err) => (failure.error = err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  const metrics = new Set<string>();
  let lineNo = 0;
  let points = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let entry: { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: unknown; metadata?: unknown; name?: unknown } };
      try {
        entry = JSON.parse(line);
      } catch {
        throw bad(lineNo, 'not JSON');
      }
      if (entry === null || typeof entry !== 'object' || typeof entry.metric !== 'string' || typeof entry.data !== 'object' || entry.data === null) throw bad(lineNo, 'no metric and data');
      if (entry.type === 'Metric') {
        metrics.add(entry.metric);
        continue;
      }
      if (entry.type !== 'Point') throw bad(lineNo, `type ${JSON.stringify(entry.type)}, not Metric or Point`);
      const { time, value, tags, metadata } = entry.data;
      const timeUs = typeof time === 'string' ? parseRfc3339Us(time) : undefined;
      if (timeUs === undefined) throw bad(lineNo, `time ${JSON.stringify(time)} is not RFC 3339`);
      if (typeof value !== 'number') throw bad(lineNo, 'a Point without a numeric value');
      const merged = (tags === null || tags === undefined) && (metadata === null || metadata === undefined) ? {} : { ...(tags as Record<string, string>), ...(metadata as Record<string, string> | undefined) };
      points += 1;
      onPoint({ metric: entry.metric, timeUs, value, tags: merged });
    }
  } catch (err) {
    if (err instanceof TicketbenchError) throw err;
    throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} cannot be read: ${(err as Error).message}.`);
  } finally {
    lines.close();
    raw.destroy();
  }
  if (failure.error) throw new TicketbenchError('INVALID_OPTION', `--k6-output ${file} cannot be read: ${failure.error.message}.`);
  return { metrics, points };
}
