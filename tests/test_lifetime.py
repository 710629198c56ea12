"""Object lifetime: hookfast keeps no class, slot or hook alive behind the user's back."""

from __future__ import annotations

import gc
import weakref

import pytest

from hookfast import hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")


def _make_hooked_class(bound_hook: object, suspend_class: bool, suspend_child: bool) -> weakref.ref[type]:
    @support_hooks
    class Service:
        @slot
        def run(self, value):
            return value

        @slot
        @classmethod
        def build(cls, value):
            return value

    class Child(Service):
        pass

    Service.run.bind(bound_hook)
    Service.build.bind(bound_hook)
    assert Service().run(1) == 1
    assert Child.build(2) == 2
    if suspend_class:
        Service.suspend_hooks()
    if suspend_child:
        Child.skip_hooks().__enter__()  # left entered on purpose: a stop that is never undone
    return weakref.ref(Service)


@pytest.mark.parametrize(("suspend_class", "suspend_child"), [(False, False), (True, False), (False, True)])
def test_class_with_bound_hooks_is_collected_while_the_hook_lives(suspend_class: bool, suspend_child: bool):
    calls = []

    @hook
    def record(receiver, value):
        calls.append(value)

    service = _make_hooked_class(record, suspend_class, suspend_child)
    assert calls == [1, 2]
    gc.collect()
    assert service() is None, gc.get_referrers(service())
    # the hook outlives the class and forgets it
    assert record.slots == ()
    record.disable()
    record.enable()


def test_hook_is_collected_with_its_class():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return 1

    @Service.run.bind
    @hook
    def record(receiver):
        pass

    hook_reference = weakref.ref(record)
    class_reference = weakref.ref(Service)
    assert Service().run() == 1
    del Service, record
    gc.collect()
    assert class_reference() is None
    assert hook_reference() is None
