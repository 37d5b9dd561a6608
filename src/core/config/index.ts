export * from './types';
export { formatConfigError, kindlingSchema, loadConfig, resolveImage, supportedSchemaKeywords, type JsonSchema } from './loader';
