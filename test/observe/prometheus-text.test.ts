// The exposition-format parser on hand-written text covering the format's corners, and on what
// prom-client itself writes (the format every bundled target answers /metrics with).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, parseSampleValue, PrometheusParseError, seriesKey } from '../../src/observe/prometheus-text.ts';

const EXPOSITION = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# A plain comment line.
# HELP msdos_file_access_time_seconds Escaped \\\\ and a\\nnewline in help.
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
# TYPE up gauge
up{job="a",} NaN
`;

describe('parsePrometheusText', () => {
  const families = parsePrometheusText(EXPOSITION);

  it('groups samples into families with their type and help', () => {
    const requests = families.get('http_requests_total');
    expect(requests?.type).toBe('counter');
    expect(requests?.help).toBe('The total number of HTTP requests.');
    expect(requests?.samples).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027 },
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3 },
    ]);
  });

  it('puts _bucket, _sum and _count under their histogram, _sum and _count under their summary', () => {
    const histogram = families.get('http_request_duration_seconds');
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.samples.map((s) => s.name)).toEqual([
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(histogram?.samples[1]?.labels).toEqual({ le: '+Inf' });
    expect(families.get('rpc_duration_seconds')?.samples.map((s) => s.name)).toEqual(['rpc_duration_seconds', 'rpc_duration_seconds_sum', 'rpc_duration_seconds_count']);
    expect(families.has('http_request_duration_seconds_count')).toBe(false);
  });

  it('unescapes label values and help text', () => {
    const family = families.get('msdos_file_access_time_seconds');
    expect(family?.type).toBe('untyped');
    expect(family?.help).toBe('Escaped \\ and a\nnewline in help.');
    expect(family?.samples[0]?.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(family?.samples[0]?.value).toBe(1.458255915e9);
  });

  it('reads NaN, +Inf, a trailing comma in labels and ignores timestamps', () => {
    expect(families.get('something_weird')?.samples[0]?.value).toBe(Number.POSITIVE_INFINITY);
    expect(families.get('up')?.samples[0]).toEqual({ name: 'up', labels: { job: 'a' }, value: Number.NaN });
    expect(families.get('metric_without_timestamp_and_labels')?.samples[0]).toEqual({ name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 });
  });

  it('rejects broken lines naming the line number', () => {
    expect(() => parsePrometheusText('ok 1\nbad{a="1" 2\n')).toThrow(/line 2/);
    expect(() => parsePrometheusText('x{a=1} 2')).toThrow(PrometheusParseError);
    expect(() => parsePrometheusText('x 0x10')).toThrow(/not a number/);
    expect(() => parsePrometheusText('x')).toThrow(/value/);
    expect(() => parsePrometheusText('x{a="1",a="2"} 1')).toThrow(/repeated/);
    expect(() => parsePrometheusText('# TYPE x countr\nx 1')).toThrow(/unknown type/);
    expect(() => parsePrometheusText('<html>')).toThrow(PrometheusParseError);
  });

  it('reads what prom-client writes, label values with quotes and backslashes included', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'a "counter"', labelNames: ['route'], registers: [registry] });
    counter.inc({ route: '/a/"b"\\c' }, 2);
    new Gauge({ name: 'g', help: 'gauge', registers: [registry] }).set(-1.5);
    new Histogram({ name: 'h_seconds', help: 'histogram', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.get('c_total')?.samples).toEqual([{ name: 'c_total', labels: { route: '/a/"b"\\c' }, value: 2 }]);
    expect(parsed.get('g')).toMatchObject({ type: 'gauge', samples: [{ value: -1.5 }] });
    const h = parsed.get('h_seconds');
    expect(h?.type).toBe('histogram');
    expect(h?.samples.find((s) => s.name === 'h_seconds_bucket' && s.labels.le === '1')?.value).toBe(1);
    expect(h?.samples.find((s) => s.name === 'h_seconds_bucket' && s.labels.le === '0.1')?.value).toBe(0);
    expect(h?.samples.find((s) => s.name === 'h_seconds_count')?.value).toBe(1);
  });
});

describe('parseSampleValue', () => {
  it('accepts Go float spellings only', () => {
    expect(parseSampleValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSampleValue('Nan')).toBeNaN();
    expect(parseSampleValue('+infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSampleValue('1e-3')).toBe(0.001);
    expect(parseSampleValue('.5')).toBe(0.5);
    expect(() => parseSampleValue('')).toThrow();
    expect(() => parseSampleValue('1,5')).toThrow();
  });
});

describe('seriesKey', () => {
  it('sorts labels by name and escapes values like the exposition format', () => {
    expect(seriesKey('seat_lock_acquisitions_total', { result: 'busy' })).toBe('seat_lock_acquisitions_total{result="busy"}');
    expect(seriesKey('x', { b: '2', a: 'say "hi"\\\n' })).toBe('x{a="say \\"hi\\"\\\\\\n",b="2"}');
    expect(seriesKey('outbox_published_total')).toBe('outbox_published_total');
    expect(seriesKey('x', {})).toBe('x');
  });
});
