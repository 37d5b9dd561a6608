"""dsl.If / dsl.Elif / dsl.Else branches and a legacy dsl.Condition."""
from kfp import dsl


@dsl.component(base_image="python:3.12")
def flip() -> str:
    return "heads"


@dsl.component(base_image="python:3.12")
def say(msg: str):
    print(msg)


@dsl.pipeline(name="conditions")
def pipeline():
    f = flip()
    with dsl.If(f.output == "heads"):
        say(msg="heads")
    with dsl.Elif(f.output == "tails"):
        say(msg="tails")
    with dsl.Else():
        say(msg="edge")
    with dsl.Condition(f.output != "heads"):
        say(msg="not heads")
