"""A batch function for the process pool's crash test: it kills its worker on one article."""

import os

from briefgen.bulk.work import Outcome


def die_on_poison(config, tasks):
    if any("poison" in t.path for t in tasks):
        os._exit(3)  # the worker process dies without a word, as when the kernel kills it
    return [Outcome(t.path, id=os.path.basename(t.path)) for t in tasks]


def which_worker(config, tasks):
    """Each task's outcome carries the worker's process id (in ``id``)."""
    return [Outcome(t.path, id=str(os.getpid())) for t in tasks]


def slow_worker(config, tasks):  # for timing experiments only
    import time
    time.sleep(0.3)
    return [Outcome(t.path, id=str(os.getpid())) for t in tasks]


def stuck_on_poison(config, tasks):
    """Stuck where no alarm reaches (SIGALRM blocked, as in a long C loop) on one article."""
    import signal
    import time

    if any("poison" in t.path for t in tasks):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)
    return [Outcome(t.path, id=os.path.basename(t.path)) for t in tasks]
