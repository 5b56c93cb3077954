export * from './settings';
export * from './loadConfig';
export * from './envSample';
