"""Benchmark: the FastAGI IVR, saturated by 200 callers, and at 500 callers paced as people.

Each simulated caller plays Asterisk's side
(``callcenter.simulators.asterisk.agi_channel``): sends the agi_* block, answers every
command the way Asterisk 22 does, and measures each round trip (from its answer, or the
block, to the next command). Callers take a seeded mix of paths: every language and
issue, danger key, silent caller, invalid keys, hang-ups, callback offers.

The same client then runs against a minimal AGI server that sends the very same commands
without any flow logic or parsing (the commands are computed beforehand per path), so the
difference is the cost of our server and flows. Each server runs in its own process.
Those callers answer at once: the server is saturated, and ``ratio`` (our p99 against the
minimal server's) is what our parsing and flows add to the queue.

Before that, the paced run: ``--paced-callers`` (500) callers at once, each played as a
person calls: the starts spread over ``--ramp`` seconds, and every prompt takes its
length before its answer comes (``prompt_seconds``: 2–7 s by the prompt's name, a
WAIT FOR DIGIT its timeout up to 5 s), so the server's answers are timed while hundreds
of calls sit in their prompts. ``paced_p99_ms`` is the p99 of those answers (from the
channel's reply, or the agi_* block, to the next command).

    .venv/bin/python bench/ivr_agi.py [--callers 200] [--sessions 2000] \
        [--paced-callers 500] [--paced-sessions 1000]

Ends with: RESULT paced_p99_ms=… paced_callers=… p99_ms=… baseline_p99_ms=… ratio=…
p50_ms=… sessions_per_s=… paced_p50_ms=…
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
import zlib
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from callcenter.simulators.asterisk.agi_channel import SimulatedChannel, call, environment
from ivr.agi import Command, ReplyReader
from ivr.flow import PortCall, Runner
from ivr.flows import hotline
from ivr.flows.context import CallContext
from ivr.ports import MemoryPorts
from ivr.server import FastAgiServer

HOST = "127.0.0.1"
WAITS = {"violence": 900.0, "english": 30.0}  # a long wait (callback offer) and a short one
THRESHOLD = 120.0


def paths(count: int, seed: int = 1300) -> list[tuple[list[str], int | None]]:
    """(keys, hangup_at) for ``count`` callers: a fixed, seeded mix of every path."""
    rng = random.Random(seed)
    base: list[tuple[list[str], int | None]] = []
    for language in "12345":
        for issue in "12345670":
            base.append(([language, issue], None))
    base += [
        (["9"], None), (["2", "9"], None), (["8"], None), ([], None),  # danger, silent
        (["7", "6"], None), (["1", "*", "#"], None), (["6", "1", "1"], None),  # invalid
        (["1", "1", "1"], None), (["1", "1", "2"], None),  # callback offer: yes / no
        (["2"], 3), (["1", "4"], 1), ([], 5),  # hang-ups
    ]
    return [base[i % len(base)] if i < len(base) else rng.choice(base) for i in range(count)]


def channel_for(keys: list[str], hangup_at: int | None) -> SimulatedChannel:
    return SimulatedChannel(
        keys=list(keys), hangup_at=hangup_at, channel_vars={"HOTLINE_CALL_ID": "1.1"}
    )


def scripted_commands(keys: list[str], hangup_at: int | None) -> list[bytes]:
    """The commands our IVR sends for this path, computed without a socket."""
    channel = channel_for(keys, hangup_at)
    ports = MemoryPorts(waits=dict(WAITS))
    runner = Runner(hotline.run(CallContext(call_id="1.1", number="0812345678",
                                            callback_threshold_s=THRESHOLD)))
    step = runner.start()
    sent: list[bytes] = []
    while not runner.done:
        if isinstance(step, Command):
            sent.append(step.wire())
            reader = ReplyReader()
            reply = None
            for line in channel.answer(step.line()):
                reply = reader.feed(line) or reply
            step = runner.send(reply)
        elif isinstance(step, PortCall):
            step = runner.send(asyncio.run(getattr(ports, step.method)(step.argument)))
    return sent


# --- the two servers, each in its own process ---------------------------------------------


def run_ivr(port_queue: multiprocessing.Queue) -> None:
    async def main() -> None:
        server = FastAgiServer(MemoryPorts(waits=dict(WAITS)), callback_threshold_s=THRESHOLD)
        listener = await server.start(HOST, 0)
        port_queue.put(listener.sockets[0].getsockname()[1])
        await listener.serve_forever()

    asyncio.run(main())


def run_baseline(port_queue: multiprocessing.Queue, scripts: list[list[bytes]]) -> None:
    """Send the precomputed commands of path ``agi_arg_2``; one reply line read per command."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = 0
        while True:
            line = await reader.readline()
            if line in (b"\n", b""):
                break
            if line.startswith(b"agi_arg_2: "):
                index = int(line[11:])
        for command in scripts[index]:
            writer.write(command)
            # Read up to the line that is an answer (skipping a HANGUP line).
            while (await reader.readline()) == b"HANGUP\n":
                pass
        writer.close()

    async def main() -> None:
        listener = await asyncio.start_server(handle, HOST, 0)
        port_queue.put(listener.sockets[0].getsockname()[1])
        await listener.serve_forever()

    asyncio.run(main())


def prompt_seconds(line: str) -> float:
    """How long a media command lasts for a person: a prompt's length (2–7 s, fixed per
    prompt by its name), or a WAIT FOR DIGIT's timeout (at most 5 s)."""
    parts = line.split()
    if line.startswith("WAIT FOR DIGIT") and parts[-1].lstrip("-").isdigit():
        return min(5.0, max(0.0, int(parts[-1]) / 1000))
    name = parts[2] if len(parts) > 2 else line
    return 2.0 + zlib.crc32(name.encode()) % 5000 / 1000


# --- the client ---------------------------------------------------------------------------


async def drive(port: int, callers: int, mix, script_of: list[int], ramp: float = 0.0):
    """Run every path of ``mix`` with at most ``callers`` sessions at once.

    ``ramp`` > 0: the callers are people. The first ones start spread over ``ramp``
    seconds (calls do not all arrive in the same millisecond) and each prompt plays for
    its length (``prompt_seconds``) before the channel answers."""
    limit = asyncio.Semaphore(callers)
    rng = random.Random(len(mix))
    pace = prompt_seconds if ramp else 0.0
    round_trips: list[float] = []
    completed = 0

    async def one(index: int) -> None:
        nonlocal completed
        keys, hangup_at = mix[index]
        # agi_arg_2 tells the baseline server which precomputed script to send.
        env = environment(uniqueid=f"1795345559.{index}", args=("1300", str(script_of[index])))
        async with limit:
            # The ramp is waited holding the caller's place: otherwise every session past
            # the first ``callers`` takes a free place at once, hundreds of calls start in
            # the same millisecond and, with prompts of fixed lengths, keep arriving in
            # step (bursts that measure the bench's own synchrony, not the server).
            if ramp and index < callers:
                await asyncio.sleep(rng.uniform(0, ramp))
            record = await call(HOST, port, channel_for(keys, hangup_at), env, timeout=30,
                                pace=pace)
        round_trips.extend(record.round_trips)
        if record.closed_cleanly and "IVR_QUEUE" in record.channel.variables:
            completed += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(len(mix))))
    return round_trips, completed, time.perf_counter() - started


def client_part(port: int, callers: int, mix, script_of: list[int], ramp: float = 0.0):
    """One client process's share: returns its round trips, completions and wall times."""
    started = time.time()
    trips, completed, _ = asyncio.run(drive(port, callers, mix, script_of, ramp))
    return trips, completed, started, time.time()


def measure(target, args: tuple, callers: int, mix, script_of: list[int], clients: int,
            ramp: float = 0.0):
    """Start the server process, then ``clients`` client processes sharing the callers.

    One Python client process cannot keep 200 sessions busy without becoming the
    bottleneck itself; splitting the callers over processes keeps the server the thing
    measured.
    """
    ports: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=target, args=(ports, *args), daemon=True)
    process.start()
    try:
        port = ports.get(timeout=10)
        shares = [(port, limit, mix[i::clients], script_of[i::clients], ramp)
                  for i, limit in enumerate(split(callers, clients))]
        with multiprocessing.Pool(clients) as pool:
            parts = pool.starmap(client_part, shares)
        # CPU the server spent: steadier than latency on a machine with other load.
        times = psutil.Process(process.pid).cpu_times()
        server_cpu = times.user + times.system
    finally:
        process.terminate()
        process.join()
    trips = [t for part in parts for t in part[0]]
    completed = sum(part[1] for part in parts)
    elapsed = max(p[3] for p in parts) - min(p[2] for p in parts)
    return trips, completed, elapsed, server_cpu


def split(callers: int, clients: int) -> list[int]:
    """Concurrent callers per client process: they add up to exactly ``callers``."""
    base, extra = divmod(callers, clients)
    return [base + (1 if i < extra else 0) for i in range(clients)]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def paced_run(options: argparse.Namespace) -> tuple[float, float]:
    """Our server alone under the paced callers: (p50, p99) of its answers, in ms."""
    mix = paths(options.paced_sessions, seed=1301)
    clients = max(1, min(options.client_processes, options.paced_callers))
    load = os.getloadavg()[0]
    trips, completed, elapsed, cpu = measure(run_ivr, (), options.paced_callers, mix,
                                             [0] * len(mix), clients, options.ramp)
    figures = (percentile(trips, 0.50) * 1000, percentile(trips, 0.99) * 1000)
    print(f"paced     p50 {figures[0]:7.3f} ms  p99 {figures[1]:7.3f} ms  "
          f"max {max(trips) * 1000:7.3f} ms  {options.paced_callers} callers at once, "
          f"{completed}/{len(mix)} completed in {elapsed:.0f} s ({len(trips)} answers), "
          f"server CPU {cpu / len(mix) * 1e6:.0f} us/session, load average {load:.2f}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, default=200, help="concurrent callers")
    parser.add_argument("--sessions", type=int, default=2000, help="IVR sessions in all")
    parser.add_argument("--client-processes", type=int,
                        default=max(1, (os.cpu_count() or 2) - 1),
                        help="processes the simulated callers are spread over")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs of each server; medians are reported")
    parser.add_argument("--paced-callers", type=int, default=500,
                        help="callers at once in the paced run (0: skip it)")
    parser.add_argument("--paced-sessions", type=int, default=1000)
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="seconds over which the paced callers' first calls arrive")
    options = parser.parse_args()
    paced = paced_run(options) if options.paced_callers else (0.0, 0.0)

    mix = paths(options.sessions)
    unique = sorted({(tuple(keys), hangup_at) for keys, hangup_at in mix},
                    key=lambda p: (p[0], p[1] if p[1] is not None else -1))
    index_of = {path: i for i, path in enumerate(unique)}
    script_of = [index_of[(tuple(keys), hangup_at)] for keys, hangup_at in mix]
    scripts = [scripted_commands(list(keys), hangup_at) for keys, hangup_at in unique]

    # Never more client processes than callers: each one keeps at least one session busy.
    clients = max(1, min(options.client_processes, options.callers))
    assert sum(split(options.callers, clients)) == options.callers
    runs: dict[str, list[tuple[float, float, float, int, float]]] = {"ivr": [], "baseline": []}
    for _ in range(options.rounds):
        # Alternate the two servers so that noise from other load hits both alike.
        for name, target, args in (("ivr", run_ivr, ()), ("baseline", run_baseline, (scripts,))):
            trips, completed, elapsed, cpu = measure(
                target, args, options.callers, mix, script_of, clients
            )
            run = (percentile(trips, 0.50) * 1000, percentile(trips, 0.99) * 1000,
                   completed / elapsed, completed, cpu / len(mix) * 1e6)
            runs[name].append(run)
            print(f"{name:9} p50 {run[0]:7.3f} ms  p99 {run[1]:7.3f} ms  {run[2]:7.1f} sessions/s"
                  f"  server CPU {run[4]:6.0f} us/session  {completed}/{len(mix)} completed "
                  f"({len(trips)} round trips)")

    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in runs[name])

    p50, p99, rate = median("ivr", 0), median("ivr", 1), median("ivr", 2)
    base_p99 = median("baseline", 1)
    completed = min(run[3] for run in runs["ivr"])
    print(f"paths: {len(unique)} distinct, {len(mix)} sessions, {options.callers} concurrent "
          f"over {clients} client process(es), {options.rounds} rounds, medians below")
    print(f"server CPU per session: ivr {median('ivr', 4):.0f} us, "
          f"baseline {median('baseline', 4):.0f} us")
    print(f"RESULT paced_p99_ms={paced[1]:.3f} paced_callers={options.paced_callers} "
          f"p99_ms={p99:.3f} baseline_p99_ms={base_p99:.3f} ratio={p99 / base_p99:.2f} "
          f"p50_ms={p50:.3f} sessions_per_s={rate:.1f} paced_p50_ms={paced[0]:.3f}")
    return 0 if completed == len(mix) else 1


if __name__ == "__main__":
    raise SystemExit(main())
