"""User-style code, checked by mypy --strict and pyright --strict (see tests/typing/README.md).

A line that must be an error carries an ignore comment for each checker; both report an ignore
comment that suppresses nothing, so a missing error fails the check.
"""

from __future__ import annotations

from collections.abc import Iterator

from typing_extensions import assert_type

from hookfast import Hook, HookPriority, hook, slot, support_hooks


@support_hooks
class Service:
    @slot
    def run(self, amount: int, label: str = "x") -> float:
        return amount * 1.5

    @slot
    @classmethod
    def create(cls, name: str) -> Service:
        return cls()

    @slot
    @staticmethod
    def version(major: int) -> str:
        return str(major)


# --- calls keep the method's signature ---

service = Service()
assert_type(service.run(1), float)
assert_type(service.run(1, label="y"), float)
assert_type(Service.run(service, 2), float)
assert_type(Service.create("a"), Service)
assert_type(service.create("a"), Service)
assert_type(Service.version(3), str)
assert_type(service.version(3), str)

service.run("one")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
service.run(1, "a", 3)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
Service.create(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
Service.version("3")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


# --- @hook keeps the callback's type and adds the hook API ---


@Service.run.bind
@hook(priority=HookPriority.FIRST)
def audit(self: Service, amount: int, label: str = "x") -> None:
    pass


audit(service, 1)
audit(service, 1, label="z")
audit(service, "1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
assert_type(audit(service, 1), None)
assert_type(audit.enabled, bool)
assert_type(audit.priority, HookPriority)
audit.disable()
audit.enable()
with audit.skip():
    pass


@Service.create.bind
@hook
def on_create(cls: type[Service], name: str) -> Iterator[None]:
    yield


assert_type(on_create(Service, "a"), Iterator[None])
assert isinstance(on_create, Hook)

Service.run.unbind(audit)


def on_version(major: int) -> None:
    pass


version_hook = Service.version.bind()(hook(on_version))
assert_type(hook(on_version)(1), None)
version_hook(2)
version_hook("2")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


# --- the slot API type-checks on the class and on an instance ---

Service.run.suspend_hooks()
Service.run.resume_hooks()
with Service.run.skip_hooks():
    service.run(1)
with service.run.skip_hooks():
    pass
Service.create.suspend_hooks()
Service.version.resume_hooks()
Service.create.resume_hooks()
assert len(Service.run.__hooks__.merged_hooks()) == 0


def not_a_hook(self: Service, amount: int) -> None:
    pass


Service.run.bind(not_a_hook)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
hook(priority="first")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


# --- scoped skips and async slots ---

with Service.run.skip_hooks(local=True), audit.skip(local=True):
    service.run(1)


@support_hooks
class Client:
    @slot
    async def fetch(self, key: str) -> bytes:
        return key.encode()


@Client.fetch.bind
@hook
async def on_fetch(self: Client, key: str) -> None:
    pass


async def use_client(client: Client) -> None:
    assert_type(await client.fetch("k"), bytes)
    await client.fetch(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
