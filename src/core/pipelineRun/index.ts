export * from './manifest';
export * from './liveStatus';
