export * from './preflight';
export * from './promote';
export * from './images';
export * from './restore';
export * from './fromRun';
export * from './promoted';
