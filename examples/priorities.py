"""Priorities, a generator hook modifying the result and a context-manager hook with ``process_result``.

Run it with ``python examples/priorities.py``. Every line it prints is listed below, in order, after
``# > `` (the test suite compares them).

Order of a call: hooks run by priority (FIRST, NORMAL, LAST); the original method runs after the
last hook was called; then the result goes through the generators' code after ``yield`` and the
context managers' ``process_result``, in the same order the hooks ran; contexts exit in reverse.
"""

from hookfast import HookPriority, hook, slot, support_hooks


@support_hooks
class Calculator:
    def __init__(self, base):
        self.base = base

    @slot
    def plus(self, value):
        print(f"plus({value}) computes {self.base} + {value}")
        return self.base + value


@Calculator.plus.bind
@hook(priority=HookPriority.LAST)
class Audit:
    """A context-manager hook: entered before the method, sees and changes the result, then exits."""

    def __init__(self, calculator, value):
        self.value = value

    def __enter__(self):
        print("Audit: enter")
        return self

    def process_result(self, result):
        print(f"Audit: result is {result}, making it negative")
        return -result

    def __exit__(self, exc_type, exc_value, traceback):
        print("Audit: exit")
        return False


@Calculator.plus.bind
@hook  # NORMAL priority by default
def times_ten(calculator, value):
    """A generator hook: the code after the first yield gets the result; yielding again replaces it."""
    print("times_ten: before")
    result = yield
    print(f"times_ten: got {result}, yielding {result * 10}")
    yield result * 10


@Calculator.plus.bind
@hook(priority=HookPriority.FIRST)  # bound last, but runs first
def validate(calculator, value):
    """A plain function hook: returning None leaves the result alone; raising would stop the call."""
    print(f"validate: value={value}")
    if value < 0:
        raise ValueError("negative values are not allowed")


if __name__ == "__main__":
    print("result:", Calculator(1).plus(2))
    with Calculator.plus.skip_hooks():
        print("without hooks:", Calculator(1).plus(2))

# > validate: value=2
# > times_ten: before
# > Audit: enter
# > plus(2) computes 1 + 2
# > times_ten: got 3, yielding 30
# > Audit: result is 30, making it negative
# > Audit: exit
# > result: -30
# > plus(2) computes 1 + 2
# > without hooks: 3
