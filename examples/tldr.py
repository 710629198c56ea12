"""The design document's TL;DR example, ported from ``onetl.hooks`` to hookfast by changing the import.

Run it with ``python examples/tldr.py``. Expected output:

    1 2
    MyClass.method returned None; hookfast backend: <cython or python>
"""

from hookfast import BACKEND, hook, slot, support_hooks


@support_hooks  # enabling hook mechanism for the class
class MyClass:
    def __init__(self, data):
        self.data = data

    # this is slot
    @slot
    def method(self, arg):
        pass


@MyClass.method.bind  # bound hook to the slot
@hook  # this is hook
def callback(obj, arg):  # this is callback
    print(obj.data, arg)


if __name__ == "__main__":
    obj = MyClass(1)
    result = obj.method(2)  # will call callback(obj, 2)
    # prints "1 2"
    print(f"MyClass.method returned {result!r}; hookfast backend: {BACKEND}")
