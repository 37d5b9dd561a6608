"""ParallelFor over a literal list and over a task output, with fan-in via dsl.Collected."""
from typing import List

from kfp import dsl


@dsl.component(base_image="python:3.12")
def make_shards() -> List[str]:
    return ["a", "b", "c"]


@dsl.component(base_image="python:3.12")
def square(x: int) -> int:
    return x * x


@dsl.component(base_image="python:3.12")
def process(shard: str) -> str:
    return shard.upper()


@dsl.component(base_image="python:3.12")
def combine(parts: List[str]) -> str:
    return ",".join(parts)


@dsl.pipeline(name="parallel-for")
def pipeline():
    with dsl.ParallelFor([1, 2, 3], parallelism=2) as x:
        square(x=x)
    shards = make_shards()
    with dsl.ParallelFor(shards.output) as shard:
        p = process(shard=shard)
    combine(parts=dsl.Collected(p.output))
