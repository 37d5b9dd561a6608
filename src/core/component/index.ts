export * from './types';
export * from './build';
export * from './detect';
export * from './naming';
export * from './provenance';
export * from './status';
export * from './notebookOutput';
export * from './args';
