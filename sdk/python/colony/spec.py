"""Function specs (the ColonyOS vocabulary) to their protobuf form, with the node's rules and the
Colonies spellings (``mem``, a ``gpu`` object, ``walltime``, ``colonyname``, ``-1`` for "no limit")."""
import json
import re
import warnings

from ._pb import colony_pb2 as pb
from .errors import SpecError

MAX_ARGS = 1024
MAX_ENV = 256
MAX_NAMES = 256
MAX_RETRIES = 1000
MAX_WORKFLOW_SPECS = 256

SPEC_FIELDS = {"nodename", "funcname", "args", "kwargs", "env", "conditions", "maxwaittime", "maxexectime",
               "maxretries", "priority", "label", "shell",
               # Colonies spellings
               "colonyname", "fs", "channels"}
CONDITION_FIELDS = {"executortype", "executornames", "dependencies", "cpu", "memory", "gpu",
                    # Colonies spellings
                    "colonyname", "mem", "walltime", "nodes", "processes", "processes-per-node"}
GPU_FIELDS = {"count", "name", "mem", "nodecount"}

_CPU = re.compile(r"^(\d{1,9})(m?)$")
_MEMORY = re.compile(r"^(\d{1,15})(Ki|Mi|Gi|Ti|K|M|G|T)?$")
_UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "K": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9,
          "T": 10 ** 12, None: 1}


def cpu_millis(value, field="cpu"):
    """Millicores of "500m" (500) or "2" (2000); None or "" is 0."""
    if value is None or value == "":
        return 0
    m = _CPU.match(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if not m:
        raise SpecError(field, 'must be cores like "2" or millicores like "500m"')
    v = int(m.group(1)) * (1 if m.group(2) else 1000)
    if v > 2 ** 31 - 1:
        raise SpecError(field, "is too large")
    return v


def memory_mb(value, field="memory"):
    """MiB of "512Mi", "1Gi", "1G" or a number of bytes (rounded up); None or "" is 0."""
    if value is None or value == "":
        return 0
    m = _MEMORY.match(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if not m:
        raise SpecError(field, 'must be a size like "512Mi", "1Gi" or "1G"')
    b = int(m.group(1)) * _UNITS[m.group(2)]
    return (b + (1 << 20) - 1) >> 20


def gpus(value, field="gpu"):
    """GPU count of "1" or 1; None or "" is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not re.match(r"^\d{1,6}$", str(value)):
        raise SpecError(field, 'must be a whole number like "1"')
    return int(value)


def _reject_unknown(obj, known, prefix):
    for f in obj:
        if f not in known:
            raise SpecError(prefix + f, "unknown field")


def _string(obj, f, prefix):
    v = obj.get(f)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise SpecError(prefix + f, "must be a string")
    return v


def _strings(obj, f, prefix, most):
    v = obj.get(f)
    if v is None:
        return []
    if not isinstance(v, list):
        raise SpecError(prefix + f, "must be a list of strings")
    if len(v) > most:
        raise SpecError(prefix + f, "at most %d entries" % most)
    for i, s in enumerate(v):
        if not isinstance(s, str):
            raise SpecError("%s%s[%d]" % (prefix, f, i), "must be a string")
    return list(v)


def _integer(obj, f, prefix, minus_one=None):
    v = obj.get(f)
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int) or not -2 ** 31 <= v < 2 ** 31:
        raise SpecError(prefix + f, "must be a whole number")
    if v == -1 and minus_one is not None:
        return minus_one
    if v < 0:
        raise SpecError(prefix + f, "must be >= 0")
    return v


def _empty(v):
    return v is None or v == {} or v == [] or v == ""


def to_proto(spec, prefix="", colony_name=None):
    """The protobuf ``FunctionSpec`` of a spec (a dict, or JSON text). Raises :class:`SpecError`."""
    if isinstance(spec, (str, bytes)):
        try:
            spec = json.loads(spec)
        except ValueError as e:
            raise SpecError("spec", "is not valid JSON (%s)" % e) from None
    if not isinstance(spec, dict):
        raise SpecError(prefix[:-1] if prefix else "spec", "must be a JSON object")
    _reject_unknown(spec, SPEC_FIELDS, prefix)
    for f in ("fs", "channels"):
        if not _empty(spec.get(f)):
            raise SpecError(prefix + f, "is not supported yet (Colonies %s): remove it from the spec"
                            % ("file system staging" if f == "fs" else "channels"))
    cond = spec.get("conditions")
    if cond is None:
        raise SpecError(prefix + "conditions.executortype", "is required")
    if not isinstance(cond, dict):
        raise SpecError(prefix + "conditions", "must be an object")
    cp = prefix + "conditions."
    _reject_unknown(cond, CONDITION_FIELDS, cp)
    ignored = []
    for where, obj in ((prefix, spec), (cp, cond)):
        name = obj.get("colonyname")
        if name is not None and not isinstance(name, str):
            raise SpecError(where + "colonyname", "must be a string")
        if name and colony_name is None:
            ignored.append("%scolonyname '%s'" % (where, name))
    if ignored:
        warnings.warn("%s ignored: the colony is the one of the node" % " and ".join(ignored), UserWarning,
                      stacklevel=2)
    if "memory" in cond and "mem" in cond:
        raise SpecError(cp + "mem", "give memory or mem, not both")
    memory = cond.get("memory", cond.get("mem"))
    gpu = cond.get("gpu")
    gpu_count = gpu
    if isinstance(gpu, dict):
        _reject_unknown(gpu, GPU_FIELDS, cp + "gpu.")
        gpu_count = gpu.get("count")
        if gpu_count is not None and (isinstance(gpu_count, bool) or not isinstance(gpu_count, int)
                                      or gpu_count < 0):
            raise SpecError(cp + "gpu.count", "must be a whole number >= 0")
    for f in ("nodes", "processes", "processes-per-node"):
        v = cond.get(f)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v > 1):
            raise SpecError(cp + f, "must be 0 or 1: a process runs on one executor")
    c = pb.Conditions(executortype=_string(cond, "executortype", cp),
                      executornames=_strings(cond, "executornames", cp, MAX_NAMES),
                      dependencies=_strings(cond, "dependencies", cp, MAX_NAMES),
                      cpu_millis=cpu_millis(cond.get("cpu"), cp + "cpu"),
                      memory_mb=memory_mb(memory, cp + ("mem" if "mem" in cond else "memory")),
                      gpus=gpus(gpu_count, cp + "gpu"))
    kwargs = spec.get("kwargs")
    kwargs_json = ""
    if kwargs is not None:
        if not isinstance(kwargs, dict):
            raise SpecError(prefix + "kwargs", "must be a JSON object")
        if kwargs:
            try:
                kwargs_json = json.dumps(kwargs, separators=(",", ":"))
            except (TypeError, ValueError) as e:
                raise SpecError(prefix + "kwargs", "must be JSON: %s" % e) from None
    env = spec.get("env") or {}
    if not isinstance(env, dict):
        raise SpecError(prefix + "env", "must be an object of strings")
    for k, v in env.items():
        if not isinstance(k, str):
            raise SpecError(prefix + "env", "names must be strings, got %r" % (k,))
        if not isinstance(v, str):
            raise SpecError(prefix + "env." + k, "must be a string")
    if len(env) > MAX_ENV:
        raise SpecError(prefix + "env", "at most %d variables" % MAX_ENV)
    shell = spec.get("shell", False)
    if shell is None:
        shell = False
    if not isinstance(shell, bool):
        raise SpecError(prefix + "shell", "must be true or false")
    maxexectime = _integer(spec, "maxexectime", prefix, minus_one=0)
    walltime = _integer(cond, "walltime", cp, minus_one=0)
    if walltime and (maxexectime == 0 or walltime < maxexectime):
        maxexectime = walltime
    maxretries = _integer(spec, "maxretries", prefix, minus_one=MAX_RETRIES)
    if maxretries > MAX_RETRIES:
        raise SpecError(prefix + "maxretries", "must be <= %d" % MAX_RETRIES)
    p = pb.FunctionSpec(nodename=_string(spec, "nodename", prefix), funcname=_string(spec, "funcname", prefix),
                        args=_strings(spec, "args", prefix, MAX_ARGS), kwargs_json=kwargs_json, env=env,
                        conditions=c, maxwaittime=_integer(spec, "maxwaittime", prefix, minus_one=0),
                        maxexectime=maxexectime, maxretries=maxretries,
                        priority=_integer(spec, "priority", prefix), label=_string(spec, "label", prefix),
                        shell=shell)
    if not p.funcname.strip():
        raise SpecError(prefix + "funcname", "is required")
    if not c.executortype.strip():
        raise SpecError(prefix + "conditions.executortype", "is required")
    return p


def workflow_to_proto(specs):
    """The protobuf specs of a workflow: a list of specs or ``{"functionspecs": [...]}`` (or JSON text)."""
    if isinstance(specs, (str, bytes)):
        try:
            specs = json.loads(specs)
        except ValueError as e:
            raise SpecError("spec", "is not valid JSON (%s)" % e) from None
    if isinstance(specs, dict):
        _reject_unknown(specs, {"functionspecs", "colonyname"}, "")
        specs = specs.get("functionspecs")
    if not isinstance(specs, list) or not specs:
        raise SpecError("functionspecs", "must be a non-empty list of specs")
    if len(specs) > MAX_WORKFLOW_SPECS:
        raise SpecError("functionspecs", "at most %d specs" % MAX_WORKFLOW_SPECS)
    out = [to_proto(s, "functionspecs[%d]." % i) for i, s in enumerate(specs)]
    names = set()
    for i, s in enumerate(out):
        if not s.nodename:
            raise SpecError("functionspecs[%d].nodename" % i, "is required in a workflow")
        if s.nodename in names:
            raise SpecError("functionspecs[%d].nodename" % i, "duplicate name '%s'" % s.nodename)
        names.add(s.nodename)
    for i, s in enumerate(out):
        for d in s.conditions.dependencies:
            if d not in names or d == s.nodename:
                raise SpecError("functionspecs[%d].conditions.dependencies" % i,
                                "'%s' is not another function of this workflow" % d)
    return out
