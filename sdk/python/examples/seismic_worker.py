"""A warm worker: functions of executor type "seismic" run in this Python process, one after another.

Run it (the key must be admitted with the executor role, see the README):

    PYTHONPATH=sdk/python python3 sdk/python/examples/seismic_worker.py

then submit work from another terminal:

    PYTHONPATH=sdk/python python3 sdk/python/examples/seismic_worker.py submit
"""
import sys

import colony

executor = colony.Executor(type="seismic", workers=2)

# expensive set-up happens once per worker process, not per task
CALIBRATION = {"gain": 2.5}


@executor.function("preprocess")
def preprocess(trace, *, gain=None):
    colony.task().log("preprocessing " + trace)          # shows in `colony log get ID`
    return "%s x%s" % (trace, gain or CALIBRATION["gain"])  # the process output


@executor.function("fail")
def fail(reason):
    raise RuntimeError(reason)                          # a failed attempt with this message


def submit():
    c = colony.Client.from_env()
    p = c.submit({"conditions": {"executortype": "seismic"}, "funcname": "preprocess",
                  "args": ["shot-0042.segy"], "kwargs": {"gain": 3}})
    p = c.wait(p["id"], timeout=60)
    print(p["state"], p["output"])
    print("\n".join(c.logs(p["id"])))


if __name__ == "__main__":
    if sys.argv[1:] == ["submit"]:
        submit()
    else:
        print("executor %s waiting for work (Ctrl-C stops it)" % executor.name, flush=True)
        executor.run()
