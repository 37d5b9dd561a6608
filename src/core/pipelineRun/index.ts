export * from './manifest';
export * from './liveStatus';
export * from './documents';
export * from './workflowNodes';
export * from './runGraph';
