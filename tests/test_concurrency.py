"""Slots under threads and asyncio tasks: delegation decided per call, states, onETL's counter fixed.

Every hook records ``(token, name)`` for the call it runs in; each call passes a fresh token, so
the records of one call can be picked out of the shared log and counted. Thread start and the
phases of a test are ordered with barriers and events only; nothing depends on timing.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from hookfast import Hook, HookPriority, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

WORKERS = 8
JOIN_TIMEOUT = 30.0
WAIT_TIMEOUT = 10.0
TARGETS = 4


@pytest.fixture(autouse=True)
def _frequent_thread_switches() -> Iterator[None]:
    """Switch threads far more often than the default 5 ms, to interleave calls and state changes."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


class Threads:
    """Start threads, collect their exceptions, join them with a timeout."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def start(self, target: Callable[..., None], *args: Any) -> None:
        def run() -> None:
            try:
                target(*args)
            except BaseException as error:  # reported by join_all
                self.errors.append(error)

        thread = threading.Thread(target=run, daemon=True)
        self.threads.append(thread)
        thread.start()

    def join_all(self) -> None:
        for thread in self.threads:
            thread.join(JOIN_TIMEOUT)
        alive = [thread.name for thread in self.threads if thread.is_alive()]
        assert not alive, f"threads did not finish: {alive}"
        if self.errors:
            raise self.errors[0]


def records_by_token(log: list[tuple[Any, str]]) -> dict[Any, list[str]]:
    """The names recorded by each call, in the order they were recorded."""
    grouped: dict[Any, list[str]] = {}
    for token, name in list(log):
        grouped.setdefault(token, []).append(name)
    return grouped


def make_recorder(log: list[tuple[Any, str]], name: str, **options: Any) -> Hook[Any]:
    def callback(receiver: Any, token: Any) -> None:
        log.append((token, name))

    callback.__name__ = callback.__qualname__ = name
    return hook(callback, **options)


def make_generator_hook(log: list[tuple[Any, str]], name: str, **options: Any) -> Hook[Any]:
    def callback(receiver: Any, token: Any) -> Iterator[None]:
        log.append((token, name + "<"))
        result = yield
        assert result == ("result", token)
        log.append((token, name + ">"))

    callback.__name__ = callback.__qualname__ = name
    return hook(callback, **options)


def make_cm_hook(log: list[tuple[Any, str]], name: str, **options: Any) -> Hook[Any]:
    class Context:
        def __init__(self, receiver: Any, token: Any) -> None:
            self.token = token

        def __enter__(self) -> Context:
            log.append((self.token, name + "<"))
            return self

        def __exit__(self, *exc_info: Any) -> None:
            log.append((self.token, name + ">"))

    Context.__name__ = Context.__qualname__ = name
    return hook(Context, **options)


def make_service_class(log: list[tuple[Any, str]], name: str) -> type:
    @support_hooks
    class Service:
        @slot
        def method(self, token: Any) -> tuple[str, Any]:
            log.append((token, "M"))
            return ("result", token)

        @slot
        @classmethod
        def class_method(cls, token: Any) -> tuple[str, Any]:
            assert cls is Service
            log.append((token, "M"))
            return ("result", token)

    Service.__name__ = Service.__qualname__ = name
    return Service


def bind_both(cls: type, bound: Hook[Any]) -> Hook[Any]:
    cls.method.bind(bound)  # type: ignore[attr-defined]
    cls.class_method.bind(bound)  # type: ignore[attr-defined]
    return bound


def test_calls_while_binding_toggling_and_suspending() -> None:
    """No hook call is lost or doubled while other threads bind, disable/enable, suspend and skip.

    ``Steady`` is never suspended: every call runs each always-enabled hook exactly once.
    ``Flaky`` is suspended/resumed at slot level and skipped at class level during phase 1: each
    call runs all of its hooks or none. In phase 2 (after a barrier that every thread passes once
    the state changes of phase 1 are over) every call runs every hook bound before the barrier.
    """
    log: list[tuple[Any, str]] = []
    steady = make_service_class(log, "Steady")
    flaky = make_service_class(log, "Flaky")
    always = {
        cls: (
            bind_both(cls, make_generator_hook(log, "G", priority=HookPriority.FIRST)),
            bind_both(cls, make_recorder(log, "A")),
            bind_both(cls, make_cm_hook(log, "C", priority=HookPriority.LAST)),
        )
        for cls in (steady, flaky)
    }
    assert len(always[steady]) == 3
    flapping = make_recorder(log, "F")
    bind_both(steady, flapping)
    bind_both(flaky, flapping)

    calls_per_phase = 300
    binds_per_phase = 10
    start = threading.Barrier(WORKERS + 3)
    middle = threading.Barrier(WORKERS + 3)
    first_worker_done = threading.Event()
    bound_in_phase: dict[int, list[str]] = {1: [], 2: []}
    tokens = itertools.count()
    # per worker: (phase, class name, token) of every call, in call order
    calls: list[list[tuple[int, int, str, Any]]] = [[] for _ in range(WORKERS)]
    binder_tokens: list[Any] = []

    def worker(index: int) -> None:
        obj_steady, obj_flaky = steady(), flaky()
        targets = [
            ("Steady", obj_steady.method),
            ("Steady", steady.class_method),
            ("Flaky", obj_flaky.method),
            ("Flaky", obj_flaky.class_method),
        ]
        assert len(targets) == TARGETS
        start.wait(WAIT_TIMEOUT)
        for phase in (1, 2):
            for number in range(calls_per_phase):
                name, target = targets[number % len(targets)]
                token = next(tokens)
                assert target(token) == ("result", token)
                calls[index].append((phase, number % TARGETS, name, token))
            if phase == 1:
                first_worker_done.set()
                middle.wait(WAIT_TIMEOUT)

    def binder() -> None:
        start.wait(WAIT_TIMEOUT)
        for phase in (1, 2):
            for number in range(binds_per_phase):
                name = f"N{phase}_{number}"
                bound = make_recorder(log, name)
                bind_both(steady, bound)
                bind_both(flaky, bound)
                bound_in_phase[phase].append(name)
                # the binding thread itself sees its hook at once
                token = next(tokens)
                binder_tokens.append(token)
                steady().method(token)
                assert log_names(token).count(name) == 1
            if phase == 1:
                middle.wait(WAIT_TIMEOUT)

    def log_names(token: Any) -> list[str]:
        return [name for recorded, name in list(log) if recorded == token]

    def toggler() -> None:
        start.wait(WAIT_TIMEOUT)
        while True:
            flapping.disable()
            flapping.enable()
            flapping.enabled = False
            flapping.enabled = True
            with flapping.skip():
                pass
            if first_worker_done.is_set():
                break
        assert flapping.enabled
        middle.wait(WAIT_TIMEOUT)

    def suspender() -> None:
        start.wait(WAIT_TIMEOUT)
        while True:
            flaky.method.suspend_hooks()
            flaky.class_method.suspend_hooks()
            flaky.method.resume_hooks()
            flaky.class_method.resume_hooks()
            with flaky.skip_hooks():
                pass
            flaky.suspend_hooks()
            flaky.resume_hooks()
            with flaky.method.skip_hooks():
                pass
            if first_worker_done.is_set():
                break
        middle.wait(WAIT_TIMEOUT)

    threads = Threads()
    for index in range(WORKERS):
        threads.start(worker, index)
    threads.start(binder)
    threads.start(toggler)
    threads.start(suspender)
    threads.join_all()

    recorded = records_by_token(log)
    phase1_binds = bound_in_phase[1]
    phase2_binds = set(bound_in_phase[2])
    checked = Counter()
    for per_worker in calls:
        assert len(per_worker) == 2 * calls_per_phase
        # per slot: the phase-2 binds the previous call of this thread saw
        seen_phase2_binds: list[set[str]] = [set() for _ in range(TARGETS)]
        for phase, target, name, token in per_worker:
            names = recorded.pop(token)
            counts = Counter(names)
            assert counts["M"] == 1, (token, names)
            doubled = [hook_name for hook_name, count in counts.items() if count > 1]
            assert not doubled, (token, names)
            ran = [hook_name for hook_name in names if hook_name != "M"]
            if name == "Flaky" and phase == 1 and not ran:
                checked["flaky call while suspended"] += 1
                continue
            # all always-enabled hooks, each once, in priority order around the method
            assert names[0] == "G<", (token, names)
            assert names[-3:] == ["M", "G>", "C>"], (token, names)
            assert names[-4] == "C<", (token, names)
            middle_names = names[1:-4]
            assert middle_names[0] == "A", (token, names)
            expected_order = ["A", "F", *phase1_binds, *bound_in_phase[2]]
            assert middle_names == [n for n in expected_order if n in middle_names], (token, names)
            if phase == 2:
                assert "F" in middle_names, (token, names)
                assert set(phase1_binds) <= set(middle_names), (token, names)
                # a bind once seen by this thread is seen by its every later call
                now_seen = phase2_binds & set(middle_names)
                assert seen_phase2_binds[target] <= now_seen, (token, names)
                seen_phase2_binds[target] = now_seen
            checked[f"{name} call with hooks"] += 1
    # no record belongs to a call nobody made (the binder's own checking calls aside)
    assert sorted(recorded) == sorted(binder_tokens)
    assert checked["Steady call with hooks"] == WORKERS * calls_per_phase
    flaky_calls = checked["Flaky call with hooks"] + checked["flaky call while suspended"]
    assert flaky_calls == WORKERS * calls_per_phase
    # at rest, every hook runs again
    token = next(tokens)
    flaky().method(token)
    final = records_by_token(log)[token]
    assert final == ["G<", "A", "F", *phase1_binds, *bound_in_phase[2], "C<", "M", "G>", "C>"]


def make_base_and_child(log: list[tuple[Any, str]]) -> tuple[type, type]:
    @support_hooks
    class Base:
        @slot
        def method(self, token: Any) -> Any:
            log.append((token, "Base.method"))
            return token

        @slot
        @classmethod
        def class_method(cls, token: Any) -> Any:
            log.append((token, "Base.class_method"))
            return token

    @support_hooks
    class Child(Base):
        @slot
        def method(self, token: Any) -> Any:
            log.append((token, "Child.method"))
            return super().method(token)

        @slot
        @classmethod
        def class_method(cls, token: Any) -> Any:
            log.append((token, "Child.class_method"))
            return super().class_method(token)

    for cls in (Base, Child):
        name = cls.__name__
        bind_both(cls, make_recorder(log, f"{name}.first", priority=HookPriority.FIRST))
        bind_both(cls, make_generator_hook_plain(log, f"{name}.gen"))
        bind_both(cls, make_recorder(log, f"{name}.last", priority=HookPriority.LAST))
    return Base, Child


def make_generator_hook_plain(log: list[tuple[Any, str]], name: str) -> Hook[Any]:
    def callback(receiver: Any, token: Any) -> Iterator[None]:
        log.append((token, name + "<"))
        yield
        log.append((token, name + ">"))

    callback.__name__ = callback.__qualname__ = name
    return hook(callback)


CHILD_CALL = [
    "Base.first",
    "Child.first",
    "Base.gen<",
    "Child.gen<",
    "Base.last",
    "Child.last",
    "Child.{kind}",
    "Base.{kind}",
    "Base.gen>",
    "Child.gen>",
]
BASE_CALL = ["Base.first", "Base.gen<", "Base.last", "Base.{kind}", "Base.gen>"]


def test_super_suppression_is_per_thread() -> None:
    """8 threads x N calls of overriding slots that call super(): every call runs each hook exactly once.

    onETL 0.17 keeps one process-wide counter: 8 threads x 20,000 calls ran hooks for only 1,968 of
    160,000 calls. Base calls from other threads are mixed in; they must run Base's hooks too.
    """
    log: list[tuple[Any, str]] = []
    base, child = make_base_and_child(log)
    calls_per_thread = 400
    start = threading.Barrier(WORKERS)
    tokens = itertools.count()
    made: list[list[tuple[str, str, Any]]] = [[] for _ in range(WORKERS)]

    def worker(index: int) -> None:
        child_obj, base_obj = child(), base()
        start.wait(WAIT_TIMEOUT)
        for number in range(calls_per_thread):
            token = next(tokens)
            choice = number % 4
            if choice == 0:
                result, cls_name, kind = child_obj.method(token), "Child", "method"
            elif choice == 1:
                result, cls_name, kind = child.class_method(token), "Child", "class_method"
            elif choice == 2 and index % 2:
                result, cls_name, kind = base_obj.method(token), "Base", "method"
            elif choice == 2:
                result, cls_name, kind = base.class_method(token), "Base", "class_method"
            else:
                result, cls_name, kind = child_obj.class_method(token), "Child", "class_method"
            assert result == token
            made[index].append((cls_name, kind, token))

    threads = Threads()
    for index in range(WORKERS):
        threads.start(worker, index)
    threads.join_all()

    recorded = records_by_token(log)
    assert sum(len(per_worker) for per_worker in made) == WORKERS * calls_per_thread
    for per_worker in made:
        for cls_name, kind, token in per_worker:
            template = CHILD_CALL if cls_name == "Child" else BASE_CALL
            assert recorded.pop(token) == [item.format(kind=kind) for item in template], token
    assert not recorded


def test_delegation_in_progress_is_per_thread() -> None:
    """Thread A is inside ``Mid.m``, reached through a plain override's ``super()``, on receiver
    ``leaf``: A's own ``super()`` to ``Base.m`` is a delegation, but the main thread's explicit
    ``Base.m(leaf)`` on that same receiver, meanwhile, is not (nothing is in progress in it).
    """
    log: list[tuple[Any, str]] = []
    inside = threading.Event()
    release = threading.Event()

    @support_hooks
    class Base:
        @slot
        def m(self, token: Any) -> Any:
            log.append((token, "Base.body"))
            return token

    @support_hooks
    class Mid(Base):
        @slot
        def m(self, token: Any) -> Any:
            log.append((token, "Mid.body"))
            inside.set()
            assert release.wait(WAIT_TIMEOUT), "thread A was never released"
            return super().m(token)

    class Leaf(Mid):
        def m(self, token: Any) -> Any:
            return super().m(token)

    Base.m.bind(make_recorder(log, "Base.hook"))
    leaf = Leaf()
    threads = Threads()
    threads.start(lambda: leaf.m("A"))
    try:
        assert inside.wait(WAIT_TIMEOUT), "thread A never entered Mid.m"
        assert Base.m(leaf, "B") == "B"
    finally:
        release.set()
    threads.join_all()
    recorded = records_by_token(log)
    assert recorded["A"] == ["Base.hook", "Mid.body", "Base.body"]
    assert recorded["B"] == ["Base.hook", "Base.body"]


@pytest.mark.parametrize("kind", ["method", "class_method"])
@pytest.mark.parametrize("in_flight", ["Base", "Child"])
def test_slot_in_flight_in_another_thread_does_not_skip_hooks(kind: str, in_flight: str) -> None:
    """Thread A is provably inside a slot call (for Child: inside the super() delegation to Base's
    slot) while the main thread calls the same slots; those calls must run their hooks.

    In onETL 0.17 the main thread's calls would skip every hook here.
    """
    log: list[tuple[Any, str]] = []
    inside = threading.Event()
    release = threading.Event()

    @support_hooks
    class Base:
        @slot
        def method(self, token: Any) -> Any:
            return self.body(token)

        @slot
        @classmethod
        def class_method(cls, token: Any) -> Any:
            return Base.body(token)

        @staticmethod
        def body(token: Any) -> Any:
            log.append((token, "Base.body"))
            if token == "A":
                inside.set()
                assert release.wait(WAIT_TIMEOUT), "thread A was never released"
            return token

    @support_hooks
    class Child(Base):
        @slot
        def method(self, token: Any) -> Any:
            log.append((token, "Child.body"))
            return super().method(token)

        @slot
        @classmethod
        def class_method(cls, token: Any) -> Any:
            log.append((token, "Child.body"))
            return super().class_method(token)

    for cls in (Base, Child):
        bind_both(cls, make_recorder(log, f"{cls.__name__}.hook"))

    in_flight_cls = Base if in_flight == "Base" else Child

    def call_in_thread() -> None:
        assert getattr(in_flight_cls(), kind)("A") == "A"

    threads = Threads()
    threads.start(call_in_thread)
    try:
        assert inside.wait(WAIT_TIMEOUT), "thread A never entered the slot"
        # thread A is blocked inside the slot now
        assert getattr(Base(), kind)("B-base") == "B-base"
        assert getattr(Child(), kind)("B-child") == "B-child"
        if kind == "class_method":
            assert Child.class_method("B-child-cls") == "B-child-cls"
        assert not release.is_set()
        assert threads.threads[0].is_alive()
    finally:
        release.set()
    threads.join_all()

    recorded = records_by_token(log)
    assert recorded["B-base"] == ["Base.hook", "Base.body"]
    assert recorded["B-child"] == ["Base.hook", "Child.hook", "Child.body", "Base.body"]
    if kind == "class_method":
        assert recorded["B-child-cls"] == ["Base.hook", "Child.hook", "Child.body", "Base.body"]
    if in_flight == "Base":
        assert recorded["A"] == ["Base.hook", "Base.body"]
    else:
        assert recorded["A"] == ["Base.hook", "Child.hook", "Child.body", "Base.body"]


def test_nested_call_of_same_slot_in_hook_of_other_thread_runs_hooks() -> None:
    """A hook blocked in thread A (so its slot call is in flight) does not silence thread B's calls."""
    log: list[tuple[Any, str]] = []
    inside = threading.Event()
    release = threading.Event()

    @support_hooks
    class Service:
        @slot
        def method(self, token: Any) -> Any:
            log.append((token, "M"))
            return token

    @Service.method.bind
    @hook
    def blocking(self: Any, token: Any) -> Iterator[None]:
        log.append((token, "before"))
        if token == "A":
            inside.set()
            assert release.wait(WAIT_TIMEOUT)
        yield
        log.append((token, "after"))

    threads = Threads()
    threads.start(lambda: Service().method("A"))
    try:
        assert inside.wait(WAIT_TIMEOUT)
        assert Service().method("B") == "B"
    finally:
        release.set()
    threads.join_all()
    recorded = records_by_token(log)
    assert recorded["A"] == ["before", "M", "after"]
    assert recorded["B"] == ["before", "M", "after"]


def test_asyncio_tasks_interleaving_each_run_hooks() -> None:
    """Two tasks call slots from coroutines, strictly alternating with awaits in between."""
    log: list[tuple[Any, str]] = []
    _, child = make_base_and_child(log)
    order: list[str] = []
    rounds = 50

    async def player(name: str, mine: asyncio.Event, theirs: asyncio.Event) -> None:
        obj = child()
        for number in range(rounds):
            await mine.wait()
            mine.clear()
            order.append(name)
            assert obj.method((name, number, "m")) == (name, number, "m")
            await asyncio.sleep(0)  # yield to the loop inside the flow; correctness does not depend on it
            assert child.class_method((name, number, "c")) == (name, number, "c")
            theirs.set()

    async def flow() -> None:
        ping, pong = asyncio.Event(), asyncio.Event()
        ping.set()
        await asyncio.wait_for(
            asyncio.gather(player("X", ping, pong), player("Y", pong, ping)), timeout=WAIT_TIMEOUT
        )

    asyncio.run(flow())
    assert order == ["X", "Y"] * rounds
    recorded = records_by_token(log)
    assert len(recorded) == 2 * 2 * rounds
    for name in "XY":
        for number in range(rounds):
            for kind, tag in (("method", "m"), ("class_method", "c")):
                assert recorded[(name, number, tag)] == [item.format(kind=kind) for item in CHILD_CALL]


def test_async_slots_delegating_across_awaits() -> None:
    """Async slots: hooks run when the coroutine runs, in its task. While task A's coroutine
    is suspended inside the overriding slot's body, task B calls the same slot and runs its hooks;
    each body's later ``super()`` delegation does not run the hooks a second time (onETL 0.17 runs
    the parent's hooks again there, its counter being back at 0 once the outer call returned).
    """
    log: list[tuple[Any, str]] = []

    @support_hooks
    class Base:
        @slot
        async def fetch(self, token: Any, entered: asyncio.Event, gate: asyncio.Event) -> Any:
            log.append((token, "Base.body"))
            await asyncio.sleep(0)  # a suspension point inside the parent's body
            return token

    @support_hooks
    class Child(Base):
        @slot
        async def fetch(self, token: Any, entered: asyncio.Event, gate: asyncio.Event) -> Any:
            log.append((token, "Child.body<"))
            entered.set()
            await gate.wait()
            result = await super().fetch(token, entered, gate)
            log.append((token, "Child.body>"))
            return result

    for cls in (Base, Child):

        @cls.fetch.bind
        @hook
        def record(receiver: Any, token: Any, *args: Any, name: str = cls.__name__) -> None:
            log.append((token, f"{name}.hook"))

    async def flow() -> None:
        entered_a, gate_a, entered_b, gate_b = (asyncio.Event() for _ in range(4))
        obj = Child()
        task_a = asyncio.create_task(obj.fetch("A", entered_a, gate_a))
        await asyncio.wait_for(entered_a.wait(), WAIT_TIMEOUT)
        # task A is inside Child.fetch's body, waiting at its gate
        assert records_by_token(log)["A"] == ["Base.hook", "Child.hook", "Child.body<"]
        task_b = asyncio.create_task(obj.fetch("B", entered_b, gate_b))
        await asyncio.wait_for(entered_b.wait(), WAIT_TIMEOUT)
        assert records_by_token(log)["B"] == ["Base.hook", "Child.hook", "Child.body<"]
        # a direct call of the parent slot from this task, while both are in flight, runs hooks
        assert await Base().fetch("C", entered_a, gate_a) == "C"
        gate_b.set()
        assert await asyncio.wait_for(task_b, WAIT_TIMEOUT) == "B"
        assert not task_a.done()
        gate_a.set()
        assert await asyncio.wait_for(task_a, WAIT_TIMEOUT) == "A"

    asyncio.run(flow())
    recorded = records_by_token(log)
    expected = ["Base.hook", "Child.hook", "Child.body<", "Base.body", "Child.body>"]
    assert recorded["A"] == expected
    assert recorded["B"] == expected
    assert recorded["C"] == ["Base.hook", "Base.body"]
