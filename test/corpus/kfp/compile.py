"""Compiles every pipeline module in this folder to <out_dir>/<module>.yaml with the real kfp SDK."""
import importlib.util
import pathlib
import sys

from kfp import compiler

here = pathlib.Path(__file__).parent
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for src in sorted(here.glob("*.py")):
    if src.name == "compile.py":
        continue
    spec = importlib.util.spec_from_file_location(src.stem, src)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    compiler.Compiler().compile(module.pipeline, str(out / f"{src.stem}.yaml"))
    print(f"compiled {src.name}")
