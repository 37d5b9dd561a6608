export * from './documents';
export * from './images';
export * from './provenance';
export * from './diff';
export * from './targets';
export * from './summary';
export * from './component';
export * from './serviceAccounts';
