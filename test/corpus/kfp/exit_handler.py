"""An exit handler that runs whether or not the wrapped tasks succeed."""
from kfp import dsl


@dsl.component(base_image="python:3.12")
def work(n: int):
    print(n)


@dsl.component(base_image="python:3.12")
def notify():
    print("done")


@dsl.pipeline(name="exit-handler")
def pipeline():
    bye = notify()
    with dsl.ExitHandler(bye):
        a = work(n=1)
        work(n=2).after(a)
