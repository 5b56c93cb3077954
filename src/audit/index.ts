export * from './auditRecord';
export * from './auditChain';
export * from './auditScrub';
export * from './auditLog';
export * from './auditDigest';
export * from './auditDigester';
export * from './signedRecords';
