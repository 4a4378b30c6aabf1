/**
 * The Prometheus and Grafana setup of docker-compose.yml, checked without Docker: every file
 * parses, the pieces point at each other (compose mounts, datasource uid, scrape port), and every
 * metric any dashboard panel queries exists in the real `/metrics` of the bundled target, started
 * in-process against the real MariaDB/MySQL, Redis and Kafka after a hold and a payment.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parsePrometheusText, type MetricFamily } from '../../src/observe/prometheus-text.ts';
import { TARGET_DEFAULTS } from '../../target-service/src/config.ts';
import type { Logger } from '../../target-service/src/log.ts';
import { startService, type RunningService } from '../../target-service/src/service.ts';
import { client, createTestDatabase, ensureConfirmedTopic, testSettings, waitFor } from '../target-service/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

const DASHBOARD_FILE = 'infra/grafana/dashboards/ticketbench.json';
const DATASOURCE_FILE = 'infra/grafana/provisioning/datasources/prometheus.yml';
const PROVIDER_FILE = 'infra/grafana/provisioning/dashboards/ticketbench.yml';
const PROMETHEUS_FILE = 'infra/prometheus/prometheus.yml';

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
}

const dashboard = JSON.parse(read(DASHBOARD_FILE)) as { uid: string; title: string; panels: Panel[] };
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, any> };
const datasources = parseYaml(read(DATASOURCE_FILE)) as { apiVersion: number; datasources: { uid: string; type: string; url: string; isDefault?: boolean }[] };
const providers = parseYaml(read(PROVIDER_FILE)) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
const prometheus = parseYaml(read(PROMETHEUS_FILE)) as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] };

/** Host paths (relative to the repo) of a compose service's bind mounts, by container path. */
function mounts(service: string): Map<string, string> {
  const volumes: string[] = compose.services[service]?.volumes ?? [];
  return new Map(
    volumes.map((v) => {
      const [host = '', container = ''] = v.split(':');
      return [container, path.normalize(host)];
    }),
  );
}

/** Grafana's interval variables, replaced by a literal duration so the expression parses as PromQL. */
function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '1m');
}

/**
 * Metric names a PromQL expression selects (the names of its vector selectors), and the parse
 * errors it has, if any.
 */
function selectedMetrics(expr: string): { names: string[]; errors: string[] } {
  const text = withoutGrafanaVariables(expr);
  const names: string[] = [];
  const errors: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${text.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(text.slice(node.from, node.to));
    },
  });
  return { names, errors };
}

/**
 * Every name a query can select from an exposition: counters and gauges by their name, histograms
 * by `_bucket` / `_sum` / `_count` (never the bare name: Prometheus stores no such series),
 * summaries by the bare name (quantiles) plus `_sum` / `_count`.
 */
function selectableNames(families: ReadonlyMap<string, MetricFamily>): Set<string> {
  const names = new Set<string>();
  for (const family of families.values()) {
    if (family.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(family.name + suffix);
    else if (family.type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(family.name + suffix);
    else names.add(family.name);
  }
  return names;
}

describe('Grafana dashboard JSON', () => {
  it('has a uid, a title and panels with unique ids, titles and a grid position', () => {
    expect(dashboard.uid).toBe('ticketbench');
    expect(dashboard.title).toBeTruthy();
    expect(queryPanels.length).toBeGreaterThanOrEqual(12);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(Number.isInteger(panel.id) && panel.id > 0, `panel id ${panel.id}`).toBe(true);
      expect(panel.title, `panel ${panel.id}`).toMatch(/\S/);
      expect(panel.gridPos, panel.title).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      expect((panel.gridPos?.x ?? 0) + (panel.gridPos?.w ?? 0), panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('queries the provisioned Prometheus datasource in every panel and target', () => {
    const [source] = datasources.datasources;
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: source?.uid });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const refIds = panel.targets?.map((t) => t.refId) ?? [];
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(target.expr, `${panel.title} ${target.refId}`).toMatch(/\S/);
        if (target.datasource) expect(target.datasource.uid, panel.title).toBe(source?.uid);
      }
    }
  });

  it('has a panel for each thing the issue asks to watch', () => {
    const titles = queryPanels.map((p) => p.title.toLowerCase()).join('\n');
    for (const words of ['request rate', 'p95 by route', 'status codes', 'seat lock busy', 'seat lock wait p95', 'row lock waits', 'outbox backlog', 'publish lag p95', 'consumer lag', 'events by outcome', 'queue length', 'pool']) {
      expect(titles).toContain(words);
    }
  });

  it('has PromQL that parses in every target', () => {
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        const { names, errors } = selectedMetrics(target.expr);
        expect(errors, `${panel.title}: ${target.expr}`).toEqual([]);
        expect(names.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      }
    }
  });

  it('extracts selected metric names, not functions, labels or durations', () => {
    expect(selectedMetrics('histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{route!="/metrics"}[$__rate_interval])))')).toEqual({ names: ['x_bucket'], errors: [] });
    expect(selectedMetrics('sum(a_total) / on(job) group_left sum(b)').names).toEqual(['a_total', 'b']);
    expect(selectedMetrics('sum(rate(a_total[5m]').errors).not.toEqual([]);
  });
});

describe('Grafana provisioning and docker-compose', () => {
  it('provisions one default Prometheus datasource at the compose service', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    const [source] = datasources.datasources;
    expect(source).toMatchObject({ type: 'prometheus', isDefault: true });
    const url = new URL(source?.url ?? '');
    expect(compose.services[url.hostname], `compose service ${url.hostname}`).toBeDefined();
    expect(url.port).toBe('9090');
  });

  it('loads dashboards from the folder compose mounts the dashboard into', () => {
    expect(providers.apiVersion).toBe(1);
    const [provider] = providers.providers;
    expect(provider?.type).toBe('file');
    const dashboards = mounts('grafana').get(provider?.options.path ?? '');
    expect(dashboards, 'a mount at the provider path').toBe(path.dirname(DASHBOARD_FILE));
    expect(mounts('grafana').get('/etc/grafana/provisioning')).toBe('infra/grafana/provisioning');
    expect(existsSync(path.join(ROOT, DATASOURCE_FILE))).toBe(true);
    expect(existsSync(path.join(ROOT, PROVIDER_FILE))).toBe(true);
  });

  it('runs Grafana with an anonymous viewer on :3000 and Prometheus on :9090 with its config', () => {
    const grafana = compose.services['grafana'];
    expect(grafana.image).toMatch(/^grafana\/grafana:/);
    expect(grafana.environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' });
    expect(grafana.ports).toContain('127.0.0.1:3000:3000');
    const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    expect(home.startsWith(`${providers.providers[0]?.options.path}/`)).toBe(true);
    expect(existsSync(path.join(ROOT, path.dirname(DASHBOARD_FILE), path.basename(home)))).toBe(true);

    const prom = compose.services['prometheus'];
    expect(prom.image).toMatch(/^prom\/prometheus:/);
    expect(prom.ports).toContain('127.0.0.1:9090:9090');
    expect(prom.extra_hosts).toContain('host.docker.internal:host-gateway');
    expect(mounts('prometheus').get('/etc/prometheus/prometheus.yml')).toBe(PROMETHEUS_FILE);
  });

  it('scrapes /metrics of the target on its default port through host.docker.internal', () => {
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'ticketbench-target');
    expect(job).toBeDefined();
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    const targets = job?.static_configs.flatMap((c) => c.targets) ?? [];
    expect(targets).toEqual([`host.docker.internal:${TARGET_DEFAULTS.port}`]);
  });
});

describe('every metric the dashboard queries exists in the target\'s /metrics', () => {
  const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
  let service: RunningService;
  let families: Map<string, MetricFamily>;

  beforeAll(async () => {
    const url = await createTestDatabase('dashboard');
    await ensureConfirmedTopic();
    service = await startService(testSettings(url), { log: silent });
    const api = client(service.port);
    const fixture = (await api.post('/admin/fixtures', { seats: 1, users: 2 })).body;
    const held = await api.post('/api/reservations', { userId: fixture.userIds[0], scheduleId: fixture.scheduleId, seatNo: 'S1' });
    expect(held.status).toBe(201);
    expect((await api.post(`/api/reservations/${held.body.reservationId}/payment`, { userId: fixture.userIds[0] })).status).toBe(201);
    // Labelled series appear once they have a value: wait for the consumer and its lag gauge.
    families = await waitFor('the event to be consumed and the lag gauge to be set', async () => {
      const parsed = parsePrometheusText((await api.get('/metrics')).text);
      const applied = parsed.get('consumer_events_total')?.samples.find((s) => s.labels.outcome === 'applied')?.value ?? 0;
      return applied >= 1 && (parsed.get('consumer_lag_messages')?.samples.length ?? 0) > 0 && parsed;
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('knows each selected name, histograms only through _bucket/_sum/_count', () => {
    const exposed = selectableNames(families);
    const missing: string[] = [];
    for (const panel of queryPanels) {
      for (const target of panel.targets ?? []) {
        for (const name of selectedMetrics(target.expr).names) if (!exposed.has(name)) missing.push(`${panel.title}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has a series with a value behind each selected name', () => {
    const withSamples = new Set([...families.values()].flatMap((f) => f.samples.map((s) => s.name)));
    const names = new Set(queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => selectedMetrics(t.expr).names)));
    expect([...names].filter((n) => !withSamples.has(n))).toEqual([]);
  });
});
