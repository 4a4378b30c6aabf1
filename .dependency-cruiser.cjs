/**
 * Import rules of ticketbench, checked by `npm run lint:deps` and by test/architecture/imports.test.ts
 * (dependency-cruiser, https://github.com/sverweij/dependency-cruiser). docs/architecture.md,
 * *Layers*, explains them.
 *
 * LAYERS lists the toolkit's parts from the bottom up: a module may import from its own layer and
 * the layers below it, never from a layer above. Import loops are forbidden everywhere.
 */
const LAYERS = [
  { name: 'core', paths: ['^src/errors\\.ts$', '^src/util/', '^src/model/', '^contract/'] },
  { name: 'config', paths: ['^src/config/'] },
  { name: 'drivers', paths: ['^src/options/', '^src/engine/', '^src/infra/', '^src/target/', '^src/seed/', '^src/profile/', '^profiles/', '^src/nemesis/'] },
  { name: 'judges', paths: ['^src/checks/', '^src/thresholds/', '^src/observe/'] },
  { name: 'scenarios', paths: ['^src/scenario/', '^scenarios/'] },
  { name: 'report', paths: ['^src/report/'] },
  { name: 'run', paths: ['^src/run/'] },
  { name: 'k6', paths: ['^src/k6/'] },
  { name: 'compare', paths: ['^src/compare/'] },
  { name: 'ui', paths: ['^src/ui/'] },
  { name: 'cli', paths: ['^src/cli/', '^bin/'] },
];

const anyOf = (paths) => `(${paths.join('|')})`;

/** One rule per layer: nothing in it imports from any layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} is below ${LAYERS.slice(i + 1).map((l) => l.name).join(', ')}: it must not import from them (docs/architecture.md, Layers).`,
  severity: 'error',
  from: { path: anyOf(layer.paths) },
  to: { path: anyOf(LAYERS.slice(i + 1).flatMap((l) => l.paths)) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import loop: the modules cannot be understood, tested or loaded one without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'run-scenario-writes-nothing',
      comment: 'runScenario returns the RunReport; writing files is runAndWriteReport\'s or the command\'s job.',
      severity: 'error',
      from: { path: '^src/run/run-scenario\\.ts$' },
      to: { path: ['^src/report/(write|compare-write|junit|summary-json)\\.ts$', '^fs$', '^node:fs', '^fs/promises$'] },
    },
    {
      name: 'k6-script-embeds-only-pure-sources',
      comment: 'src/k6/script/ is embedded into exported k6 scripts (src/k6/export.ts): it may use only the sources embedded with it, and types.',
      severity: 'error',
      from: { path: '^src/k6/script/' },
      to: {
        pathNot: [
          '^src/k6/script/',
          '^src/engine/op-result\\.ts$',
          '^src/profile/(template|request|answer)\\.ts$',
          '^src/engine/http-client\\.ts$',
          '^src/profile/schema\\.ts$',
          '^k6',
        ],
      },
    },
    {
      name: 'engine-has-no-cli',
      comment: 'The engine takes typed configs; flags are the option layer\'s and the CLI\'s business.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/cli/', '^commander$'] },
    },
    {
      name: 'target-service-stays-apart',
      comment: 'The bundled target is a separate program: it may share only the contract and leaf helpers (src/util, src/config) with the toolkit.',
      severity: 'error',
      from: { path: '^target-service/' },
      to: { path: '^(src|scenarios)/', pathNot: ['^src/util/', '^src/config/connections\\.ts$', '^src/errors\\.ts$'] },
    },
    {
      name: 'toolkit-never-imports-the-target',
      comment: 'ticketbench drives any service: what it knows of the bundled one comes from contract/bundled-target.ts, never from target-service code.',
      severity: 'error',
      from: { path: '^(src|scenarios|profiles|bin)/' },
      to: { path: '^target-service/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^test/', '^bench/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
