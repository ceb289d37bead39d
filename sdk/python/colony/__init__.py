"""Colony Python SDK: a client of a Colony node and warm-worker executors.

    import colony
    c = colony.Client.from_env()          # COLONY_HOST, COLONY_PORT, COLONY_PRVKEY, COLONY_TLS, ...
    p = c.run({"conditions": {"executortype": "cli"}, "funcname": "echo", "args": ["hi"]})
"""
from .client import Assignment, Client
from .errors import (AccessDeniedError, BadRequestError, ColonyError, ConflictError, ConnectError, NotFoundError,
                     SpecError, UnauthorizedError)
from .executor import Executor, Task, task
from .keys import Key

__all__ = ["Client", "Assignment", "Executor", "Task", "task", "Key", "ColonyError", "BadRequestError",
           "UnauthorizedError", "AccessDeniedError", "NotFoundError", "ConflictError", "ConnectError", "SpecError"]
__version__ = "0.1.0"
