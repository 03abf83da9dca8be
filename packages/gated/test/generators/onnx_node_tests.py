#!/usr/bin/env python3
# Regenerates test/fixtures/onnx/node/: ONNX's own backend node tests for the recurrent operators (GRU, LSTM, RNN),
# written by onnx's generator (`python3 -m onnx.backend.test.cmd_tools generate-data`) with Debian's python3-onnx.
# Usage: /usr/bin/python3 test/generators/onnx_node_tests.py
import argparse, os, shutil, sys, tempfile

import numpy as np

# onnx 1.12's case modules still use the NumPy aliases removed in NumPy 1.24 (np.float, np.int, ...) at import
# time; restore them so the generator imports. The recurrent cases do not use them.
for alias, real in (('float', float), ('int', int), ('bool', bool), ('object', object), ('complex', complex)):
    if alias not in np.__dict__:
        setattr(np, alias, real)

from onnx.backend.test import cmd_tools  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEST = os.path.join(HERE, '..', 'fixtures', 'onnx', 'node')
PREFIXES = ('test_gru', 'test_lstm', 'test_rnn', 'test_simple_rnn')


def main() -> None:
    tmp = tempfile.mkdtemp()
    try:
        # one pass over every case (the case modules register themselves once, on first import)
        cmd_tools.generate_data(argparse.Namespace(output=tmp, op_type=None))
        shutil.rmtree(DEST, ignore_errors=True)
        os.makedirs(DEST)
        kept = []
        node_dir = os.path.join(tmp, 'node')
        for name in sorted(os.listdir(node_dir)):
            if name.startswith(PREFIXES):
                shutil.copytree(os.path.join(node_dir, name), os.path.join(DEST, name))
                kept.append(name)
        print(f'{len(kept)} cases: {", ".join(kept)}', file=sys.stderr)
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
