export { compose } from './compose.ts';
export { startGateway, type GatewayServer } from './gateway.ts';
export { SUBGRAPHS } from './subgraphs.ts';
export { DEMO_SLUG, readDemoLogins, seedDemo } from './seed.ts';
export { generateHistory, type HistoryOptions, type HistoryReport } from './history.ts';
