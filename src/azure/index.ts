export * from './ports';
export * from './azureGateway';
export * from './azureErrors';
export * from './correlation';
export * from './credentials';
export * from './wrapProbe';
export type { RestRetryOptions } from './restClient';
export * from './tokenIdentity';
export * from './postgresToken';
