export * from './buildImage';
export * from './digest';
