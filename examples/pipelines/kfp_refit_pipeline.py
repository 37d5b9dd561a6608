"""The click-through refit pipeline for Kubeflow Pipelines v2.

Compile with the kfp SDK (2.x) to regenerate kfp-refit.yaml next to this file:
    python examples/pipelines/kfp_refit_pipeline.py examples/pipelines/kfp-refit.yaml
"""
import sys

from kfp import compiler, dsl

IMAGE = "localhost:5001/ml-pipelines:0.4.2"


@dsl.container_component
def validate_raw(raw_path: str):
    return dsl.ContainerSpec(image=IMAGE, command=["python", "-m", "csv_schema_check"],
                             args=["--input", raw_path, "--require", "user_id,ad_id,clicked,ts"])


@dsl.component(base_image=IMAGE)
def profile_shard(shard: str) -> str:
    import json
    return json.dumps({"shard": shard, "status": "profiled"})


@dsl.container_component
def prepare_features(raw_path: str, features: dsl.Output[dsl.Dataset]):
    return dsl.ContainerSpec(image=IMAGE, command=["python", "/app/prepare_features.py"],
                             args=["--input", raw_path, "--output", features.path])


@dsl.container_component
def train_spark(features: dsl.Input[dsl.Dataset], model: dsl.Output[dsl.Model]):
    return dsl.ContainerSpec(image=IMAGE, command=["spark-submit", "--master", "local[2]", "/app/train_spark.py"],
                             args=["--features", features.path, "--model-out", model.path])


@dsl.component(base_image=IMAGE)
def evaluate(model: dsl.Input[dsl.Model], threshold: float) -> str:
    import pathlib
    auc = float((pathlib.Path(model.path) / "metrics" / "auc").read_text() or 0)
    return "pass" if auc >= threshold else "fail"


@dsl.component(base_image=IMAGE)
def register_model(model: dsl.Input[dsl.Model]):
    print("registering", model.uri)


@dsl.component(base_image=IMAGE)
def cleanup():
    print("cleaned up scratch space")


@dsl.pipeline(name="ctr-refit", description="Nightly refit of the click-through model")
def ctr_refit(raw_path: str = "/data/clicks.csv", auc_threshold: float = 0.70):
    done = cleanup()
    with dsl.ExitHandler(done):
        check = validate_raw(raw_path=raw_path)
        with dsl.ParallelFor(["clicks-eu", "clicks-us", "clicks-apac"], parallelism=2) as shard:
            profile_shard(shard=shard).after(check)
        features = prepare_features(raw_path=raw_path).after(check)
        model = train_spark(features=features.outputs["features"])
        model.set_cpu_limit("2").set_memory_limit("4G")
        verdict = evaluate(model=model.outputs["model"], threshold=auc_threshold)
        with dsl.If(verdict.output == "pass"):
            register_model(model=model.outputs["model"])


if __name__ == "__main__":
    compiler.Compiler().compile(ctr_refit, sys.argv[1] if len(sys.argv) > 1 else "kfp-refit.yaml")
