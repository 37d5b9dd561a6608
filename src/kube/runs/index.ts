export * from './errors';
export * from './submit';
export * from './watch';
export * from './logs';
export * from './cancel';
export * from './list';
export * from './runComponent';
export * from './identity';
