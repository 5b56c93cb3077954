export * from './settings';
export * from './loadConfig';
