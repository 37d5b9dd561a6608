/**
 * Which document of a file a run found on the cluster was submitted from. Runs record the file
 * (provenance annotation) but not the document; the run's name does: Submit Pipeline names it after
 * the document (`pipelineRunName(generateName ?? name-, suffix)`), and the kind narrows it further.
 */
import { submittableDocuments, type FileDocument } from './documents';
import { pipelineRunName } from './manifest';
import { isRecord, nonEmptyString } from '../values';

export function documentOfRun(docs: FileDocument[], run: { kind: 'Workflow' | 'SparkApplication'; name: string }): FileDocument | undefined {
  const candidates = submittableDocuments(docs).filter((d) => (d.submitKind === 'SparkApplication') === (run.kind === 'SparkApplication'));
  const named = candidates.find((d) => {
    const meta = isRecord(d.object?.metadata) ? d.object.metadata : {};
    const name = nonEmptyString(meta.name);
    const generateName = nonEmptyString(meta.generateName);
    // The name without its suffix: the same cut pipelineRunName makes, for this run's suffix length.
    const suffix = run.name.slice(run.name.lastIndexOf('-') + 1);
    return pipelineRunName(generateName ?? (name ? `${name}-` : 'pipeline-'), suffix) === run.name;
  });
  return named ?? candidates[0];
}
