// The one js-yaml 4 entry point we use (the lenient fallback in source.ts); declared here rather
// than pulling in @types/js-yaml for one function.
declare module 'js-yaml' {
  interface LoadOptions {
    json?: boolean;
    listener?: (event: 'open' | 'close', state: { position: number; result: unknown }) => void;
  }
  const jsYaml: { loadAll(text: string, iterator?: undefined, options?: LoadOptions): unknown[] };
  export default jsYaml;
}
