export * from './portForward';
export * from './debugRun';
export * from './dapClient';
export * from './debugpyCache';
