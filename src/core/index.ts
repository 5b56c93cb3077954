export * from './errors';
export * from './clock';
export * from './canonicalJson';
export * from './ids';
export * from './logger';
export * from './redact';
export * from './localTenant';
export * from './text';
