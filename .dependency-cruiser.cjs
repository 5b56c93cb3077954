/**
 * The layering of docs (conventions.md, "The shape of the house"), checked on every `npm test`:
 * data flows one way, Teams activity → bot → domain → executor → Azure, and each folder imports
 * only what its row of the table allows. Type-only imports count: a port is a type, and so is a
 * store class. `npm run lint:deps` runs this alone.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'only-azure-imports-azure-sdks',
      comment: 'Only src/azure imports @azure/* (the same code for real Azure and the emulator; everyone else uses its ports).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/azure/' },
      to: { path: '^node_modules/@azure/' },
    },
    {
      name: 'emulator-imports-only-core',
      comment: 'The emulator is stand-alone: it imports src/core and itself, never the bot or the domain.',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/(emulator|core)/' },
    },
    {
      name: 'emulator-model-knows-no-http',
      comment: 'Emulator layers: http → handlers (arm, dataplane, identity, control) → model. The model never sees HTTP.',
      severity: 'error',
      from: { path: '^src/emulator/model/' },
      to: { path: '^src/emulator/(http|arm|dataplane|identity|control)/' },
    },
    {
      name: 'cards-are-pure',
      comment: 'Card renderers are pure functions of a view model: no store, no I/O, no services.',
      severity: 'error',
      from: { path: '^src/bot/(cards/|.*Cards\\.ts$)' },
      to: {
        path: '^(src/(store|app|server|azure|emulator|cli|observability)/|node_modules/(botbuilder|@microsoft/teams-ai|restify)/)|^(node:)?(fs|http|https|net|child_process|dns|tls)$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'bot-constructs-no-stores',
      comment: 'src/bot keeps features, cards and notifiers; stores are built in src/app (the bot sees ports).',
      severity: 'error',
      from: { path: '^src/bot/' },
      to: { path: '^src/(store|app)/' },
    },
    {
      name: 'only-bot-knows-teams',
      comment: 'botbuilder and teams-ai stop at src/bot: nothing below the bot knows about Teams.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(bot|cli)/' },
      to: { path: '^node_modules/(botbuilder|botframework-[a-z-]+|@microsoft/teams-ai)/' },
    },
    {
      name: 'restify-stops-at-server',
      comment: "restify types stop at src/server (and the bot's adapter glue).",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(server|bot)/' },
      to: { path: '^node_modules/restify/' },
    },
    {
      name: 'core-is-the-kernel',
      comment: 'src/core imports Node built-ins only.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(?!core/)|node_modules/)' },
    },
    {
      name: 'telemetry-is-the-api',
      comment:
        "src/telemetry is Keyward's spans and metrics over the vendor-neutral OpenTelemetry API (a no-op until src/observability or src/azure registers an SDK), so every layer may use it: it imports core and @opentelemetry/api only, never an SDK or an exporter.",
      severity: 'error',
      from: { path: '^src/telemetry/' },
      to: { path: '^(src/(?!(telemetry|core)/)|node_modules/(?!@opentelemetry/api/))' },
    },
    {
      name: 'otel-sdk-at-the-root',
      comment:
        'OpenTelemetry SDKs and exporters are chosen by the composition root: only src/observability and src/azure (Azure Monitor, the Azure SDK instrumentation) import them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(observability|azure)/' },
      to: { path: '^node_modules/@opentelemetry/(?!api/)' },
    },
    {
      name: 'config-is-data',
      comment: 'src/config imports core (and zod).',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(?!(config|core)/)' },
    },
    {
      name: 'customer-key-rules-are-pure',
      comment: 'The Customer Key domain is pure: core only.',
      severity: 'error',
      from: { path: '^src/customerKey/' },
      to: { path: '^src/(?!(customerKey|core)/)' },
    },
    {
      name: 'proactive-queue-over-ports',
      comment: 'The paced proactive queue knows neither Teams nor a database: core and its own ports (the bot gives the sender, src/store the persistence).',
      severity: 'error',
      from: { path: '^src/proactive/' },
      to: { path: '^(src/(?!(proactive|core)/)|node_modules/(botbuilder|botframework-[a-z-]+|@microsoft/teams-ai)/)' },
    },
    {
      name: 'domain-over-ports',
      comment: 'approvals, audit, journeys, inventory and the executor work over ports: no store, app, bot, server or SDK wiring.',
      severity: 'error',
      from: { path: '^src/(approvals|audit|journeys|inventory|executor)/' },
      to: { path: '^src/(store|app|bot|server|cli|emulator|observability)/' },
    },
    {
      name: 'executor-sees-azure-ports-only',
      comment: 'The executor uses Azure through its ports (plus the correlation id, error classification and assignment-name helpers), never a gateway it builds itself.',
      severity: 'error',
      from: { path: '^src/executor/' },
      to: { path: '^src/azure/(?!(ports|correlation|azureErrors|assignmentNames)\\.ts$)' },
    },
    {
      name: 'store-implements-ports',
      comment: 'src/store implements ports: it imports core and the port types, never the app, the bot or the server.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(app|bot|cli|azure|emulator)/' },
    },
    {
      name: 'store-sees-server-port-types-only',
      comment: "The download links' port is declared beside DownloadService in src/server; the store may implement it, nothing more.",
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'app-below-the-root',
      comment: 'src/app is wired by main.ts (and the CLIs): nothing else imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|cli)/|^src/main\\.ts$' },
      to: { path: '^src/app/' },
    },
    {
      name: 'nothing-imports-the-root',
      comment: 'main.ts is the top: only the CLIs that start Keyward import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'no-circular',
      comment: 'Cycles between modules hide the direction data flows in.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
