// The js-yaml 4 entry points we use (the lenient fallback in source.ts; promote's diff text); declared here rather
// than pulling in @types/js-yaml for two functions.
declare module 'js-yaml' {
  interface LoadOptions {
    json?: boolean;
    listener?: (event: 'open' | 'close', state: { position: number; result: unknown }) => void;
  }
  interface DumpOptions {
    sortKeys?: boolean;
    lineWidth?: number;
    noRefs?: boolean;
  }
  const jsYaml: {
    loadAll(text: string, iterator?: undefined, options?: LoadOptions): unknown[];
    dump(value: unknown, options?: DumpOptions): string;
  };
  export default jsYaml;
}
