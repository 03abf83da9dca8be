#!/usr/bin/python3
"""Checks .onnx files written by gated (e.g. `gated convert DIR model.onnx`) with ONNX's official checker and shape
inference (Debian python3-onnx). Not part of the suite, which needs no Python; a manual conformance check.

Usage: /usr/bin/python3 test/generators/onnx_check_export.py model.onnx [more.onnx ...]
"""
import sys

import onnx

for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print(f'{path}: ok (opset {m.opset_import[0].version}; inputs {[i.name for i in m.graph.input]}; '
          f'outputs {[o.name for o in m.graph.output]}; ops {sorted({n.op_type for n in m.graph.node})})')
