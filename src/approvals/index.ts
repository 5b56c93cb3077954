export * from './approvalTypes';
export * from './approvalPolicy';
export * from './approvalPorts';
export * from './ruleEvaluation';
export * from './transition';
export * from './submitRequest';
export * from './approvalService';
export * from './approvalScheduler';
