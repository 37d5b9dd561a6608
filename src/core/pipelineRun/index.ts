export * from './manifest';
export * from './liveStatus';
export * from './documents';
