/** Layering rules (STYLE.md §1): src is framework-free; widget uses src's public entry; no cycles. */
module.exports = {
  forbidden: [
    {
      name: 'core-stays-framework-free',
      comment: 'src/ never imports preact, the widget, the demo or the tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['^widget/', '^demo/', '^test/', 'node_modules/preact/', 'node_modules/@preact/signals/'] },
    },
    {
      name: 'widget-uses-public-core-entry',
      comment: 'widget/ reaches the core only through src/index.ts (and contract types)',
      severity: 'error',
      from: { path: '^widget/' },
      to: { path: '^src/', pathNot: ['^src/index\\.ts$', '^src/contract/', '^src/types\\.ts$', '^src/calls/devices\\.ts$'] },
    },
    {
      name: 'server-stays-out-of-the-widget',
      severity: 'error',
      from: { path: '^demo/server/' },
      to: { path: ['^widget/', '^demo/console/', '^demo/site/'] },
    },
    {
      name: 'console-shares-only-the-formatter',
      comment: 'the agent console renders messages with the widget formatter and nothing else of the widget',
      severity: 'error',
      from: { path: '^demo/console/' },
      to: { path: '^widget/', pathNot: '^widget/format\\.ts$' },
    },
    {
      name: 'call-page-shares-only-the-call-view',
      comment: 'the call page (/call/) renders the widget call view and nothing else of the widget',
      severity: 'error',
      from: { path: '^demo/call/' },
      to: { path: '^widget/', pathNot: ['^widget/app/call/', '^widget/app/chunk-styles\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
