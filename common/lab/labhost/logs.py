"""logs/: one log per test or build; the previous run's stays in logs.old/."""
import os


def fresh(logdir, name):
    """Path of logs/NAME, its previous version moved to logs.old/NAME."""
    path = os.path.join(logdir, name)
    if os.path.exists(path):
        os.makedirs(old_path(logdir, ""), exist_ok=True)
        os.replace(path, old_path(logdir, name))
    os.makedirs(logdir, exist_ok=True)
    return path


def old_path(logdir, name):
    return os.path.join(logdir.rstrip("/") + ".old", name)


def read_durations(path):
    """name -> seconds of its last passed run."""
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                name, _, secs = line.rstrip("\n").partition("\t")
                if secs.isdigit():
                    out[name] = int(secs)
    except OSError:
        pass
    return out


def write_durations(path, durations):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        for name in sorted(durations):
            f.write(f"{name}\t{durations[name]}\n")
    os.replace(tmp, path)
