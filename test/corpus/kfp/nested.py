"""A pipeline used as a component inside another pipeline (a sub-DAG)."""
from kfp import dsl


@dsl.component(base_image="python:3.12")
def step(msg: str) -> str:
    return msg


@dsl.pipeline(name="inner")
def inner(msg: str) -> str:
    a = step(msg=msg)
    b = step(msg=a.output)
    return b.output


@dsl.pipeline(name="nested")
def pipeline():
    first = inner(msg="hello")
    step(msg=first.output)
