import type { PipelineDiagnostic } from '../model/pipelineGraph';

export interface WrapOptions { name: string; roleArn?: string }
export interface WrapResult { yaml: string; diagnostics: PipelineDiagnostic[] }
export interface UnwrapResult { json: string; diagnostics: PipelineDiagnostic[] }
export function wrapSageMakerPipeline(_jsonText: string, _opts: WrapOptions): WrapResult {
  return { yaml: '', diagnostics: [{ severity: 'error', code: 'not-implemented', message: 'not yet' }] };
}
export function unwrapAckPipeline(_yamlText: string): UnwrapResult {
  return { json: '', diagnostics: [{ severity: 'error', code: 'not-implemented', message: 'not yet' }] };
}
