#!/usr/bin/env python3
"""Where a push's CPU goes: perf stacks (`perf script -F comm,tid,ip,sym,dso`) sorted into stages, in µs a push.

usage: attribute.py STACKS CPU_US_PER_PUSH

Each sample counts once. A thread of the relay's own (the trail writer, the SQLite outbox, the GC, the JIT's tiering)
is its own stage; a sample in the thread pool's wait for work (its spin and yield before sleeping) is "idle spin".
Any other sample goes to the innermost frame of a component (the relay's stages, Polly, YARP, the HTTP client,
ASP.NET Core and Kestrel, sockets), so the base library's work counts for the component that called it; a sample
with no component frame goes to the base library or the thread pool if it has their frames, else by the library it
was in: OpenSSL (the protocol's AES and SHA-1), the kernel (sockets, scheduling), or the runtime and C library.
A frame is named by the assembly and type that own its method (JIT code through perf maps; precompiled ReadyToRun
code by its assembly only).
"""
import collections
import re
import sys

THREADS = [("mprelay-trail", "thread: trail writer"), ("sqlite-outbox", "thread: SQLite outbox"),
           ("GC", "thread: GC"), ("Tiered Com", "thread: JIT (tiering)")]
SPIN = re.compile(r"LowLevelLifoSemaphore::Wait|__sched_yield")
COMPONENTS = [
    ("protocol: verify, decrypt, parse, encrypt, sign", r"^\[MpEventRelay\.Protocol\]|^\[System\.Security\.Cryptography\]"),
    ("relay: dedup", r"^\[MpEventRelay\] MpEventRelay\.Dedup"),
    ("relay: trail recorder", r"^\[MpEventRelay\] MpEventRelay\.Trail"),
    ("relay: metrics", r"^\[MpEventRelay\] MpEventRelay\.Observability|^\[System\.Diagnostics\.DiagnosticSource\]|^\[OpenTelemetry"),
    ("relay: inbound (intake, answer)", r"^\[MpEventRelay\] MpEventRelay\.Inbound"),
    ("relay: delivery, choice", r"^\[MpEventRelay\] MpEventRelay\.(Delivery|Relaying|Replies)"),
    ("relay: other", r"^\[MpEventRelay\]"),
    ("Polly (per-destination circuit)", r"^\[Polly"),
    ("logging", r"^\[Serilog|^\[Microsoft\.Extensions\.Logging"),
    ("YARP", r"^\[Yarp"),
    ("HttpClient (to the target)", r"^\[System\.Net\.Http\]"),
    ("ASP.NET Core, Kestrel (from the client)", r"^\[Microsoft\.AspNetCore|^\[System\.IO\.Pipelines\]"),
    ("sockets", r"^\[System\.Net\.Sockets\]"),
]
BASE = [
    ("tasks, thread pool", r"^\[System\.Private\.CoreLib\] System\.(Threading|Runtime\.CompilerServices)"),
    ("base library, other", r"^\[System\."),
]
COMPONENT_RULES = [(name, re.compile(p)) for name, p in COMPONENTS]
BASE_RULES = [(name, re.compile(p)) for name, p in BASE]
OWNER = re.compile(r"\[([\w.]+)\] (\S*)::")
PRECOMPILED = re.compile(r"^\[unknown\] \(.*/([^/]+)\.dll\)$")


def owner(frame):
    """'[Assembly] Namespace.Type' of the frame's method, or '' for native code."""
    if m := PRECOMPILED.match(frame):
        return f"[{m.group(1)}] (ReadyToRun code)"
    matches = OWNER.findall(frame)
    return f"[{matches[-1][0]}] {matches[-1][1]}" if matches else ""


def samples(path):
    comm, frames = None, []
    for line in open(path, errors="replace"):
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
        elif not line.startswith("\t"):
            comm, frames = line.rsplit(None, 1)[0].strip(), []
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else "")
    if comm is not None:
        yield comm, frames


def first(owners, rules):
    for o in owners:
        for name, rule in rules:
            if rule.search(o):
                return name
    return None


def stage(comm, frames):
    for marker, name in THREADS:
        if marker in comm:
            return name
    if any(SPIN.search(f) for f in frames):
        return "idle spin (thread pool waiting for work)"
    owners = [owner(f) for f in frames]
    if found := first(owners, COMPONENT_RULES) or first(owners, BASE_RULES):
        return found
    leaf = frames[0] if frames else ""
    if "libcrypto" in leaf or "OpenSsl" in leaf:
        return "protocol: OpenSSL (AES, SHA-1)"
    if "kernel" in leaf:
        return "kernel: sockets, scheduling"
    return "runtime, C library (allocation, stubs)"


def main():
    path, cpu = sys.argv[1], float(sys.argv[2])
    counts = collections.Counter(stage(comm, frames) for comm, frames in samples(path))
    total = sum(counts.values())
    for name, n in counts.most_common():
        print(f"{100 * n / total:5.1f} %  {cpu * n / total:6.1f} µs  {name}")
    print(f"({total} samples)")


if __name__ == "__main__":
    main()
