"""Train a click-through model on the prepared features with Spark MLlib.

Runs as a SparkApplication (Kindling detects the SparkSession) or as the `train` step of
examples/pipelines/. Paths default to the data mount from kindling.yaml.
"""
import argparse

from pyspark.ml import Pipeline
from pyspark.ml.classification import LogisticRegression
from pyspark.ml.feature import VectorAssembler
from pyspark.sql import SparkSession


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", default="/data/features.parquet")
    parser.add_argument("--model-out", default="/models/ctr-lr")
    parser.add_argument("--max-iter", type=int, default=20)
    args = parser.parse_args()

    spark = SparkSession.builder.appName("train-ctr").getOrCreate()
    df = spark.read.parquet(args.features)
    feature_cols = [c for c in df.columns if c not in ("label", "user_id")]
    assembler = VectorAssembler(inputCols=feature_cols, outputCol="features")
    lr = LogisticRegression(featuresCol="features", labelCol="label", maxIter=args.max_iter)
    train, test = df.randomSplit([0.8, 0.2], seed=42)
    model = Pipeline(stages=[assembler, lr]).fit(train)
    auc = model.stages[-1].summary.areaUnderROC
    print(f"train AUC={auc:.4f} rows={train.count()} test_rows={test.count()}")
    model.write().overwrite().save(args.model_out)
    spark.stop()


if __name__ == "__main__":
    main()
