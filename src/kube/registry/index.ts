export * from './client';
export * from './copy';
export * from './credentials';
