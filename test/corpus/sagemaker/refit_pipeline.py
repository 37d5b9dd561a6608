"""Builds the click-through refit pipeline with the real SageMaker Python SDK and prints its
definition JSON — offline: explicit image URIs, S3 code locations and a default bucket mean the
SDK never needs to call AWS (run with fake credentials and a region set)."""
import json
import sys

from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.step_collections import RegisterModel
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

ROLE = "arn:aws:iam::123456789012:role/KindlingSageMakerExecution"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml-pipelines:0.4.2"
BUCKET = "kindling-refit-artifacts"


def build() -> Pipeline:
    session = PipelineSession(default_bucket=BUCKET)
    # default_bucket() would ask S3 whether the bucket exists; pre-set it so nothing leaves the box.
    session._default_bucket = BUCKET
    raw = ParameterString(name="RawData", default_value=f"s3://{BUCKET}/raw/clicks.csv")
    threshold = ParameterFloat(name="AucThreshold", default_value=0.70)

    processor = ScriptProcessor(image_uri=IMAGE, command=["python3"], role=ROLE, instance_type="ml.m5.xlarge",
                                instance_count=1, sagemaker_session=session)
    prepare = ProcessingStep(
        name="PrepareFeatures",
        step_args=processor.run(
            code=f"s3://{BUCKET}/code/prepare_features.py",
            inputs=[ProcessingInput(source=raw, destination="/opt/ml/processing/input")],
            outputs=[ProcessingOutput(output_name="features", source="/opt/ml/processing/features")],
        ),
    )
    estimator = Estimator(image_uri=IMAGE, role=ROLE, instance_type="ml.m5.2xlarge", instance_count=2,
                          output_path=f"s3://{BUCKET}/models", sagemaker_session=session,
                          hyperparameters={"max-iter": 20})
    train = TrainingStep(
        name="TrainModel",
        step_args=estimator.fit(inputs={"train": TrainingInput(
            s3_data=prepare.properties.ProcessingOutputConfig.Outputs["features"].S3Output.S3Uri)}),
    )
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="EvaluateModel",
        step_args=processor.run(
            code=f"s3://{BUCKET}/code/evaluate.py",
            inputs=[ProcessingInput(source=train.properties.ModelArtifacts.S3ModelArtifacts,
                                    destination="/opt/ml/processing/model")],
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
        ),
        property_files=[report],
    )
    metrics = ModelMetrics(model_statistics=MetricsSource(
        s3_uri=Join(on="/", values=[evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri,
                                    "evaluation.json"]),
        content_type="application/json"))
    register = RegisterModel(
        name="RegisterModel", estimator=estimator, model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"], model_package_group_name="ctr-lr", approval_status="PendingManualApproval",
        model_metrics=metrics,
    )
    fail = FailStep(name="AucTooLow", error_message=Join(on=" ", values=["AUC below", threshold]))
    check = ConditionStep(
        name="CheckAuc",
        conditions=[ConditionGreaterThanOrEqualTo(
            left=JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.auc.value"), right=threshold)],
        if_steps=[register], else_steps=[fail],
    )
    return Pipeline(name="ctr-refit", parameters=[raw, threshold], steps=[prepare, train, evaluate, check],
                    sagemaker_session=session)


if __name__ == "__main__":
    # The SDK prints config notices on stdout, so the definition goes to the file named by argv[1].
    definition = json.loads(build().definition())
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(definition, out, indent=2)
        out.write("\n")
