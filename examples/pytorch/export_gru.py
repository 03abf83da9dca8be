"""A bare torch.nn.GRU handed to gated two ways, with no package beyond torch (and numpy, which torch brings):

  gru.safetensors   its state_dict, written by the ten-line save_safetensors below (no `safetensors` package needed)
  gru.onnx          torch.onnx.export of the same module
  io.safetensors    an input x [B, T, I] and PyTorch's outputs y [B, T, H] and h [L, B, H], to compare with

Run: /usr/bin/python3 examples/pytorch/export_gru.py   (then: npx tsx examples/pytorch/load.ts)
"""
import json
import os
import struct

import torch


def save_safetensors(tensors, path):
    """Writes {name: tensor} as a safetensors file: 8-byte header length, JSON header, little-endian float32 data."""
    tensors = {k: v.detach().to(torch.float32).contiguous().cpu() for k, v in tensors.items()}
    header, offset = {}, 0
    for name, t in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + 4 * t.numel()]}
        offset += 4 * t.numel()
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)                      # pad the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(t.numpy().astype("<f4").tobytes() for t in tensors.values()))


here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
gru = torch.nn.GRU(input_size=8, hidden_size=16, num_layers=2, batch_first=True)
x = torch.randn(3, 7, 8)
with torch.no_grad():
    y, h = gru(x)

save_safetensors(gru.state_dict(), os.path.join(here, "gru.safetensors"))
torch.onnx.export(gru, (x,), os.path.join(here, "gru.onnx"), input_names=["x"], output_names=["y", "h"],
                  dynamic_axes={"x": {0: "batch", 1: "time"}, "y": {0: "batch", 1: "time"}, "h": {1: "batch"}}, opset_version=14)
save_safetensors({"x": x, "y": y, "h": h}, os.path.join(here, "io.safetensors"))
print("wrote gru.safetensors, gru.onnx, io.safetensors")
