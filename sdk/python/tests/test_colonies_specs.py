"""Specs written for Colonies run unchanged (fixtures: the Colonies documents' specs, and
Colonies-shaped ones with colonyname, mem, a gpu object, walltime and -1)."""
import json
import os
import warnings

import pytest

import colony
from colony import spec

SPECS = os.path.join(os.path.dirname(__file__), "specs")


def load(name):
    with open(os.path.join(SPECS, name)) as f:
        return json.load(f)


def test_documented_specs_convert():
    assert spec.to_proto(load("sayhello.json")).funcname == "echo sayhello"
    assert spec.to_proto(load("helloworld.json")).conditions.executortype == "helloworld-executor"


def test_colonies_spellings_convert_as_colonies_means_them():
    with pytest.warns(UserWarning, match="colonyname 'dev' and conditions.colonyname 'dev' ignored"):
        g = spec.to_proto(load("gpu.json"))
    assert (g.conditions.cpu_millis, g.conditions.memory_mb, g.conditions.gpus) == (4000, 8192, 1)
    assert (g.maxwaittime, g.maxexectime, g.maxretries) == (0, 0, spec.MAX_RETRIES)
    with pytest.warns(UserWarning, match="conditions.colonyname 'dev' ignored"):
        h = spec.to_proto(load("hpc.json"))
    assert (h.maxexectime, h.maxretries, h.conditions.memory_mb) == (600, 3, 1000)


def test_fs_is_refused_clearly():
    with pytest.raises(colony.SpecError) as e:
        spec.to_proto(load("with-fs.json"))
    assert e.value.field == "fs" and "not supported yet" in str(e.value)


def test_a_colonies_spec_runs_on_the_node_unchanged(user):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = user.run(load("hpc.json"), timeout=60)
    assert p["state"] == "SUCCESS" and p["output"] == ["segy-001"], p
    assert p["spec"]["conditions"]["memory"] == "1000Mi" and p["spec"]["maxexectime"] == 600
