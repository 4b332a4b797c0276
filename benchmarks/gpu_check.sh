#!/bin/sh
# The device check, one script that fits in a few minutes on a machine with an NVIDIA GPU and CuPy:
# the tests that run on a device (real CUDA cases un-skipped, the stand-in's too, the fused optimizer
# step, the value checks that never wait), `train --device cuda` on the built-in corpus, then the
# GPU epoch benchmark against PyTorch on the same GPU and the host-side profile of GPU steps.  A
# failing test does not stop the benchmarks (the exit status reports it at the end).  Paste its
# output into docs/gpu.md, which names the device.
#
#     sh benchmarks/gpu_check.sh 2>&1 | tee /tmp/gpu_check.log
#     MINIGRAD_DATA=/path/to/data PYTHON=python3 sh benchmarks/gpu_check.sh   # the data folder holding mr/
#     BASELINE=/path/to/older/checkout sh benchmarks/gpu_check.sh   # also time that checkout's minigrad
#
# Lent machines differ (the same code took 3.3 to 4.0 ms per step on different H200 hosts), so a
# before/after comparison belongs in one run: BASELINE times another checkout's minigrad (a folder
# holding its minigrad/ package, e.g. from `git archive COMMIT minigrad | tar x -C DIR`) on the same
# machine, after this one.
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
$PY -c "import minigrad, numpy, cupy; print('minigrad sees a GPU:', minigrad.cuda.is_available(), \
'| NumPy', numpy.__version__, '| CuPy', cupy.__version__)"
start=$(date +%s)
$PY -m pytest tests -q -p no:cacheprovider -k "cuda or stand-in or fused or device" --ignore=tests/test_lessons.py
tests=$?
echo "device tests: $(( $(date +%s) - start )) s, exit status $tests"
for model in cnn lstm; do  # the command line on the GPU, the built-in corpus
    out=$($PY -m minigrad train --device cuda --model $model --bidirectional --epochs 3 \
          --out "${TMPDIR:-/tmp}/minigrad-gpu-$model" --overwrite 2>&1) || tests=1
    echo "$out" | tail -n 4
done
$PY benchmarks/gpu.py --batch-sizes 50 500 --repeats 3
$PY benchmarks/profile_ops.py textcnn --steps 70 --device cuda --top 14
if [ -n "${BASELINE:-}" ]; then
    echo "== the same epochs with the minigrad in $BASELINE, on this machine"
    PYTHONPATH="$BASELINE" $PY benchmarks/gpu.py --batch-sizes 50 --repeats 3
fi
exit $tests
