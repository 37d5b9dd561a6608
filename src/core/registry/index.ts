export * from './reference';
export * from './challenge';
export * from './dockerConfig';
export * from './manifest';
export * from './copyPlan';
