"""`./jgrad bench --serve` driven from Python: one warm JVM that times single repetitions of named workloads on
request, for the scripts that alternate them with something else (paired_numpy.py, paired_steps.py). A measuring
helper only: jgrad never depends on Python at run time."""
import json, os, statistics, subprocess, sys


def split_extra(argv):
    """(the script's own arguments, those after "--" that go to every ./jgrad bench call)."""
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def quartiles(values):
    """(q1, median, q3) of per-pair ratios (one value: that value three times)."""
    q1, median, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else (values[0],) * 3
    return q1, median, q3


class JgradServer:
    """Starts `./jgrad bench --serve NAMES... EXTRA...` and times one repetition per call of `seconds(name)`."""

    def __init__(self, names, extra=(), who="jgrad_serve"):
        self.who = who
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.process = subprocess.Popen([os.path.join(root, "jgrad"), "bench", "--serve", *names, *extra],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        ready = self.process.stdout.readline()
        if not ready.startswith('{"ready"'):
            self.close()
            sys.exit(f"{who}: ./jgrad bench --serve did not start (said {ready!r}; its stderr is above)")

    def seconds(self, name):
        """One repetition of workload `name`, timed inside the JVM (result read included)."""
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"{self.who}: ./jgrad bench --serve stopped while timing {name} (its stderr is above)")
        return json.loads(line)["seconds"]

    def close(self):
        """Ends the input, so the JVM exits; returns its exit status."""
        self.process.stdin.close()
        return self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
