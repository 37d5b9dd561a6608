export * from './preflight';
export * from './promote';
export * from './images';
export * from './restore';
