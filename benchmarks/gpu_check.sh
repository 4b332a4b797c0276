#!/bin/sh
# The device check, one script that fits in a few minutes on a machine with an NVIDIA GPU and CuPy:
# the tests that run on a device (real CUDA cases un-skipped, the stand-in's too, the fused optimizer
# step), then the CPU/GPU epoch benchmark and the host-side profile of GPU steps.  Paste its output
# into docs/gpu.md, which names the device.
#
#     sh benchmarks/gpu_check.sh 2>&1 | tee /tmp/gpu_check.log
set -e
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
python -c "import minigrad, numpy, cupy; print('minigrad sees a GPU:', minigrad.cuda.is_available(), \
'| NumPy', numpy.__version__, '| CuPy', cupy.__version__)"
python -m pytest tests -q -p no:cacheprovider -k "cuda or stand-in or fused or device" --ignore=tests/test_lessons.py
python benchmarks/gpu.py --batches 100
python benchmarks/profile_ops.py textcnn --steps 70 --device cuda --top 12
