export * from './preflight';
export * from './promote';
