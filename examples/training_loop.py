"""An epoch-based training loop on hookfast's mmcv-style runner (``hookfast.runner``).

Run it with ``python examples/training_loop.py``. Every line it prints is listed below, in order,
after ``# > `` (the test suite compares them).

It fits ``y = 2 * x`` with SGD on one scalar weight, using only plain Python numbers: ``Parameter``,
``Model``, ``SGD`` and ``Loss`` stand in for a deep-learning library's tensors, module, optimizer and
loss (``runner.outputs["loss"].backward()`` computes the gradient). The loop is mmcv's
``EpochBasedRunner.train``; the work around it is done by three hooks, called in priority order:

- ``OptimizerHook`` (priority HIGH), mmcv's own, unchanged but for the import: after every
  iteration it zeroes the gradient, back-propagates the loss, clips the gradient and steps;
- ``LoggerHook`` (VERY_LOW, so after the step): every 2 iterations it prints the loss and weight;
- ``CheckpointHook`` (NORMAL): after every 4th epoch, and after the last one, it saves the weight.
"""

from types import SimpleNamespace

from hookfast.runner import Hook, HookRunner

# --- stand-ins for a deep-learning library: plain Python numbers ---


class Parameter:
    """A scalar weight with its gradient."""

    def __init__(self, value):
        self.value = value
        self.grad = 0.0
        self.requires_grad = True


class Model:
    """``y = weight * x``."""

    def __init__(self):
        self.weight = Parameter(0.0)

    def parameters(self):
        return [self.weight]

    def __call__(self, x):
        return self.weight.value * x


class SGD:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for param in self.params:
            param.grad = 0.0

    def step(self):
        for param in self.params:
            param.value -= self.lr * param.grad


class Loss:
    """The mean squared error of one batch; ``backward()`` adds d(loss)/d(weight) to the weight's grad."""

    def __init__(self, model, batch):
        self.model = model
        self.batch = batch
        self.value = sum((model(x) - y) ** 2 for x, y in batch) / len(batch)

    def backward(self):
        self.model.weight.grad += sum(2 * (self.model(x) - y) * x for x, y in self.batch) / len(self.batch)


def clip_grad_norm_(params, max_norm):
    """Scale the gradients down so that their norm is at most ``max_norm`` (scalars: a clamp)."""
    params = list(params)
    norm = sum(param.grad**2 for param in params) ** 0.5
    if norm > max_norm:
        for param in params:
            param.grad *= max_norm / norm


clip_grad = SimpleNamespace(clip_grad_norm_=clip_grad_norm_)  # stands in for torch.nn.utils.clip_grad


# --- the hooks ---


class OptimizerHook(Hook):
    def __init__(self, grad_clip=None):
        self.grad_clip = grad_clip

    def clip_grads(self, params):
        clip_grad.clip_grad_norm_(filter(lambda p: p.requires_grad, params), **self.grad_clip)

    def after_train_iter(self, runner):
        runner.optimizer.zero_grad()
        runner.outputs["loss"].backward()
        if self.grad_clip is not None:
            self.clip_grads(runner.model.parameters())
        runner.optimizer.step()


class LoggerHook(Hook):
    def __init__(self, interval):
        self.interval = interval

    def before_run(self, runner):
        print(f"training {runner._max_epochs} epochs of {len(runner.data_loader)} iterations")

    def after_train_iter(self, runner):
        if self.every_n_iters(runner, self.interval):
            print(
                f"epoch {runner.epoch + 1} iter {runner.iter + 1}/{runner._max_iters}: "
                f"loss {runner.outputs['loss'].value:.4f}, weight {runner.model.weight.value:.4f}"
            )


class CheckpointHook(Hook):
    def __init__(self, interval):
        self.interval = interval
        self.saved = {}

    def after_train_epoch(self, runner):
        if self.every_n_epochs(runner, self.interval) or self.is_last_epoch(runner):
            name = f"epoch_{runner.epoch + 1}"
            self.saved[name] = runner.model.weight.value
            print(f"saved {name}: weight {self.saved[name]:.4f}")


# --- the runner: mmcv's EpochBasedRunner.train, reduced to its flow ---


class Runner(HookRunner):
    def __init__(self, model, optimizer, data_loader, max_epochs):
        super().__init__()  # the hook list and mmcv's counters: epoch, iter, inner_iter = 0
        self.model = model
        self.optimizer = optimizer
        self.data_loader = data_loader
        self._max_epochs = max_epochs
        self._max_iters = max_epochs * len(data_loader)
        self.outputs = {}

    def train_step(self, batch):
        return {"loss": Loss(self.model, batch), "num_samples": len(batch)}

    def train(self):
        # as mmcv's loops: write the private counters; hooks read runner.epoch, .iter, .inner_iter
        self.call_hook("before_run")
        while self.epoch < self._max_epochs:
            self.call_hook("before_train_epoch")
            for i, batch in enumerate(self.data_loader):
                self._inner_iter = i
                self.call_hook("before_train_iter")
                self.outputs = self.train_step(batch)
                self.call_hook("after_train_iter")
                self._iter += 1
            self.call_hook("after_train_epoch")
            self._epoch += 1
        self.call_hook("after_run")


def main():
    data_loader = [[(0.5, 1.0), (1.0, 2.0)], [(1.5, 3.0), (2.0, 4.0)]]  # 2 batches of (x, y = 2x)
    model = Model()
    runner = Runner(model, SGD(model.parameters(), lr=0.2), data_loader, max_epochs=6)
    checkpoints = CheckpointHook(interval=4)
    # registered in any order: the priorities decide the call order
    runner.register_hook(LoggerHook(interval=2), priority="VERY_LOW")
    runner.register_hook(checkpoints)  # NORMAL
    runner.register_hook(OptimizerHook(grad_clip={"max_norm": 5.0}), priority="HIGH")
    # the table pads class names to 35 columns: strip the trailing spaces
    print("\n".join(line.rstrip() for line in runner.get_hook_info().splitlines()))
    runner.train()
    print("checkpoints:", ", ".join(checkpoints.saved))
    print(f"final weight {model.weight.value:.3f}")


if __name__ == "__main__":
    main()

# > before_run:
# > (VERY_LOW    ) LoggerHook
# >  --------------------
# > after_train_iter:
# > (HIGH        ) OptimizerHook
# > (VERY_LOW    ) LoggerHook
# >  --------------------
# > after_train_epoch:
# > (NORMAL      ) CheckpointHook
# >  --------------------
# > training 6 epochs of 2 iterations
# > epoch 1 iter 2/12: loss 7.0312, weight 1.5000
# > epoch 2 iter 4/12: loss 0.4395, weight 2.0938
# > epoch 3 iter 6/12: loss 0.0154, weight 1.9824
# > epoch 4 iter 8/12: loss 0.0005, weight 2.0033
# > saved epoch_4: weight 2.0033
# > epoch 5 iter 10/12: loss 0.0000, weight 1.9994
# > epoch 6 iter 12/12: loss 0.0000, weight 2.0001
# > saved epoch_6: weight 2.0001
# > checkpoints: epoch_4, epoch_6
# > final weight 2.000
